import { defineProject } from 'vitest/config';

// Options of every project of this example: vitest.workspace.ts names them
// and picks their files.
export default defineProject({
  test: { testTimeout: 60_000, hookTimeout: 60_000 },
});
