import { defineWorkspace } from 'vitest/config';

export default defineWorkspace([
  'packages/*',
  'examples/*',
  'packaging',
  'readme-snippets',
  'packages/core/vitest.fetch.config.ts',
]);
