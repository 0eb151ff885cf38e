import { defineProject } from 'vitest/config';

// Options of every project of this package: vitest.workspace.ts names them
// and picks their files.
export default defineProject({
  test: { testTimeout: 30_000, hookTimeout: 30_000 },
});
