import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'readme-checks',
    include: ['test/**/*.test.ts'],
    // One TypeScript program over the workspace's built types per test.
    testTimeout: 60_000,
  },
});
