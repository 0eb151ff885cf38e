import { defineProject } from 'vitest/config';

// The tests mutation testing runs for each mutant: the middleware's own tests.
// Left out: the scenario table through ten Koa apps over loopback
// (login-scenarios), which takes seconds per mutant that reaches the callback.
export default defineProject({
  test: {
    name: 'koa-mutation',
    include: ['test/*.test.ts'],
    exclude: ['test/login-scenarios.test.ts'],
    testTimeout: 3_000,
    // One module graph for all files: a mutant run does not import them again.
    isolate: false,
  },
});
