import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'processes/packaging',
    include: ['*.test.ts'],
    // The READMEs' first examples in Chromium: vitest.browser.config.ts (`browser/packaging`).
    exclude: ['*.browser.test.ts'],
    // Packing and one npm install of every package, from the registry.
    hookTimeout: 240_000,
    // Each test runs tsc or node on the installed copy: seconds alone, a minute on a busy machine.
    testTimeout: 180_000,
  },
});
