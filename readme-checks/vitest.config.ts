import { defineProject } from 'vitest/config';

// Options of every project of readme-checks: vitest.workspace.ts names them
// and picks their files.
export default defineProject({
  // One TypeScript program over the workspace's built types per check, in a
  // test or in the hook that runs the checker once for a describe block.
  test: { testTimeout: 60_000, hookTimeout: 60_000 },
});
