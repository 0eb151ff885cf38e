import { defineWorkspace } from 'vitest/config';

export default defineWorkspace([
  'packages/*',
  'examples/*',
  'packaging',
  'readme-checks',
  'packages/core/vitest.fetch.config.ts',
]);
