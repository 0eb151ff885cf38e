import { defineProject } from 'vitest/config';

// Options of every project of the demo: vitest.workspace.ts names them and
// picks their files.
export default defineProject({
  test: { testTimeout: 90_000, hookTimeout: 90_000 },
});
