// Mutants that no test can kill because the mutated code behaves the same,
// each matched by file, mutator, an excerpt of its line and (optionally) the
// replacement, with the reason it is equivalent. scripts/mutation-score.mjs
// sets them aside before it computes the score.

/** @type {Array<{ file: string, mutator: string, line: string, replacement?: string, reason: string }>} */
export const equivalentMutants = [];
