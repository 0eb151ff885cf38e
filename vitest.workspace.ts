import { defineWorkspace } from 'vitest/config';

export default defineWorkspace([
  'packages/*',
  'examples/*',
  'packages/core/vitest.fetch.config.ts',
]);
