import { defineWorkspace } from 'vitest/config';

export default defineWorkspace([
  'packages/*',
  'examples/*',
  'packaging',
  'packages/core/vitest.fetch.config.ts',
]);
