// Mutants that no test can kill because the mutated code behaves the same,
// each matched by file, mutator, an excerpt of its line and (optionally) the
// replacement, with the reason it is equivalent. scripts/mutation-score.mjs
// sets them aside before it computes the score.

const APPEND_COOKIES = "if (setCookies.length > 0) ctx.append('set-cookie', setCookies);";

/** @type {Array<{ file: string, mutator: string, line: string, replacement?: string, reason: string }>} */
export const equivalentMutants = [
  ...[
    ['ConditionalExpression', 'true'],
    ['EqualityOperator', 'setCookies.length >= 0'],
  ].map(([mutator, replacement]) => ({
    file: 'src/apple-music-auth.ts',
    mutator,
    line: APPEND_COOKIES,
    replacement,
    reason: 'appending an empty list of Set-Cookie values adds no header',
  })),
  // Message wording: the tests check each error's code and the option it
  // names; a mutant that only empties the advice of a message is not a
  // behaviour change.
  ...[
    "throw invalidOption('developerTokenPath', \"expected a path starting with one '/'.\");",
    "throw invalidOption('privateKey', 'give exactly one of `privateKey` and `privateKeyPath`.');",
    "'`session: true` keeps the state in ctx.session: drop `state.store`.',",
    "if (typeof value !== 'boolean') throw invalidOption(field, 'expected true or false.');",
  ].map((line) => ({
    file: 'src/apple-music-auth.ts',
    mutator: 'StringLiteral',
    line,
    reason: 'message wording only',
  })),
  // Handing core the session in cookie mode changes nothing: core reads the
  // session and calls its renewId only when state.store is 'session'.
  ...[
    ['ConditionalExpression', undefined],
    ['LogicalOperator', undefined],
    ['StringLiteral', undefined],
  ].map(([mutator]) => ({
    file: 'src/apple-music-auth.ts',
    mutator,
    line: "const usesSession = session || (store !== undefined && store !== 'cookie');",
    reason: "core ignores the session unless state.store is 'session'",
  })),
];
