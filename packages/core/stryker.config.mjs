// Mutation testing of core's security-critical modules: `pnpm test:mutation`.
// scripts/mutation-score.mjs reads the JSON report, sets aside the equivalent
// mutants listed in mutation-equivalents.mjs, and fails under 95% of the rest.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.mutation.config.ts' },
  coverageAnalysis: 'perTest',
  // Module-level values (tables, patterns, messages) would rerun every test per mutant.
  ignoreStatic: true,
  mutate: [
    'src/state.ts',
    'src/state-store.ts',
    'src/callback.ts',
    'src/return-to.ts',
    'src/developer-token.ts',
    'src/request-body.ts',
    'src/constant-time.ts',
    'src/sha256.ts',
    'src/web-handlers.ts',
  ],
  reporters: ['json', 'clear-text', 'progress'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  concurrency: 2,
  timeoutMS: 20_000,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
