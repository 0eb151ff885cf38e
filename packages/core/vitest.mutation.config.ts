import { defineProject } from 'vitest/config';

// The tests mutation testing runs for each mutant: every core test except the
// browser ones, the long property, load and fault runs, and those that spawn processes.
export default defineProject({
  test: {
    name: 'core-mutation',
    include: ['test/**/*.test.ts'],
    exclude: [
      'test/**/*.browser.test.ts',
      'test/fuzz-callbacks.test.ts',
      'test/login-load.test.ts',
      'test/scale-out.test.ts',
      'test/cli.test.ts',
      'test/apple-faults.test.ts',
      'test/package-entries.test.ts',
    ],
    testTimeout: 20_000,
  },
});
