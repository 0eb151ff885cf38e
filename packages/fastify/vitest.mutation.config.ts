import { defineProject } from 'vitest/config';

// The tests mutation testing runs for each mutant: all of the plugin's tests,
// which run in-process through Fastify's inject (none in a browser).
export default defineProject({
  test: {
    name: 'fastify-mutation',
    include: ['test/*.test.ts'],
    testTimeout: 3_000,
    // One module graph for all files: a mutant run does not import them again.
    isolate: false,
  },
});
