import { defineConfig } from 'vitest/config';
import projects from './vitest.workspace.js';

export default defineConfig({
  test: {
    // The projects of vitest.workspace.ts, given here so that Vitest reads no workspace file.
    projects,
    // Two test files at a time on two cores (Vitest's default is cores - 1):
    // most tests wait on loopback sockets, child processes or Chromium.
    maxWorkers: 2,
    coverage: {
      provider: 'v8',
      include: ['packages/*/src/**/*.ts'],
      exclude: [
        '**/*.generated.ts',
        '**/*.test.ts',
        '**/*.test-d.ts',
        // Runs only inside Chromium, where the browser tests check it.
        'packages/core/src/browser/bridge-app.ts',
      ],
      reporter: ['text-summary', 'json-summary'],
      thresholds: {
        'packages/core/src/**': { lines: 90 },
      },
    },
  },
});
