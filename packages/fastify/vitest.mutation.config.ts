import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'fastify-mutation',
    include: ['test/**/*.test.ts'],
    exclude: ['test/**/*.browser.test.ts'],
    testTimeout: 20_000,
    isolate: false,
  },
});
