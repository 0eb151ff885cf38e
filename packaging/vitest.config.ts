import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'packaging',
    include: ['*.test.ts'],
    // Packing and one npm install of every package, from the registry.
    hookTimeout: 240_000,
    testTimeout: 60_000,
  },
});
