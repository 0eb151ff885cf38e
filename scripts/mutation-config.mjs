// The Stryker options every package's stryker.config.mjs shares: `pnpm test:mutation`.
// Each package lists the files it mutates and keeps, beside its config,
// vitest.mutation.config.ts (the fast tests run per mutant). A mutant no test
// can kill, because the mutated code behaves the same, is marked in the source
// on the line it is about, with the reason:
//   // Stryker disable next-line <Mutator>: <reason>
// Stryker reports it as ignored, and fails the run under 95% of the rest.

/**
 * Stryker's options for one package, mutating the files in `mutate`.
 * @param {string[]} mutate
 * @returns {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export function mutationConfig(mutate) {
  return {
    testRunner: 'vitest',
    plugins: ['@stryker-mutator/vitest-runner'],
    // Every file of the subset runs in the first run, not only those vitest
    // finds importing the mutated files.
    vitest: { configFile: 'vitest.mutation.config.ts', related: false },
    // Each mutant runs only the tests that reached it in the first run.
    coverageAnalysis: 'perTest',
    // Module-level values (tables, patterns, messages) would rerun every test per mutant.
    ignoreStatic: true,
    mutate,
    reporters: ['json', 'clear-text', 'progress'],
    // Killed (or timed out) among the mutants not ignored by a comment.
    thresholds: { high: 98, low: 95, break: 95 },
    jsonReporter: { fileName: 'reports/mutation/mutation.json' },
    concurrency: 2,
    // Stryker cuts a mutant after its tests' own time x 1.5 + 5 s and restarts
    // the runner; a mutant that only leaves a request unanswered fails sooner,
    // on the 3 s test timeout of each vitest.mutation.config.ts, without a restart.
    timeoutMS: 5_000,
    // Mutate the package's files where they are (Stryker puts them back at the
    // end): tests that import the workspace's ../../../testing helpers would not
    // find them from a sandbox copy.
    inPlace: true,
    tempDirName: '.stryker-tmp',
    cleanTempDir: 'always',
  };
}
