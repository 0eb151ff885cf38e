import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    coverage: {
      provider: 'v8',
      include: ['packages/*/src/**/*.ts'],
      exclude: [
        '**/*.generated.ts',
        '**/*.test.ts',
        '**/*.test-d.ts',
        // Runs only inside Chromium, where the browser tests check it.
        'packages/core/src/bridge/bridge-app.ts',
      ],
      reporter: ['text-summary', 'json-summary'],
      thresholds: {
        'packages/core/src/**': { lines: 90 },
      },
    },
  },
});
