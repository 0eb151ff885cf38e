import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'browser/packaging',
    include: ['*.browser.test.ts'],
    // Packing, one npm install per README, a sandbox and four apps.
    hookTimeout: 600_000,
    // Each README: its npm commands (the registry, or npm's cache), its app, a login.
    testTimeout: 300_000,
  },
});
