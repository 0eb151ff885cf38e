import { defineProject } from 'vitest/config';

// Options of every project of this package: vitest.workspace.ts names them
// and picks their files.
export default defineProject({
  test: { testTimeout: 20_000 },
});
