import { defineProject } from 'vitest/config';

// The tests mutation testing runs for each mutant: the strategy's own tests and
// the scenario table through its harness. Left out: the browser test and the
// same table through eight Express apps (express-scenarios), which takes seconds
// per mutant that reaches the strategy.
export default defineProject({
  test: {
    name: 'passport-mutation',
    include: ['test/*.test.ts'],
    exclude: ['test/*.browser.test.ts', 'test/express-scenarios.test.ts'],
    testTimeout: 3_000,
    // One module graph for all files: a mutant run does not import them again.
    isolate: false,
  },
});
