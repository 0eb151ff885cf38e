// Mutants that no test can kill because the mutated code behaves the same,
// each matched by file, mutator, an excerpt of its line and (optionally) the
// replacement, with the reason it is equivalent. scripts/mutation-score.mjs
// sets them aside before it computes the score.

/** @type {Array<{ file: string, mutator: string, line: string, replacement?: string, reason: string }>} */
export const equivalentMutants = [
  // `{ ...true }` and `{ ...undefined }` are both `{}`: whichever way the
  // choice goes for `state: true` or no state, the group starts empty.
  ...[
    ['ConditionalExpression', 'false'],
    ['LogicalOperator', 'state === true && state === undefined'],
    ['BooleanLiteral', 'false'],
  ].map(([mutator, replacement]) => ({
    file: 'src/strategy-options.ts',
    mutator,
    line: 'const group: Record<string, unknown> = state === true || state === undefined ? {} : { ...state };',
    replacement,
    reason: 'spreading true or undefined gives the same empty group as the {} branch',
  })),
  ...[
    [
      'src/strategy.ts',
      "if (outcome.setCookies.length > 0) res.appendHeader('set-cookie', outcome.setCookies);",
    ],
  ].flatMap(([file, line]) =>
    ['true', 'outcome.setCookies.length >= 0', 'reply.setCookies.length >= 0'].map(
      (replacement) => ({
        file,
        mutator: replacement === 'true' ? 'ConditionalExpression' : 'EqualityOperator',
        line,
        replacement,
        reason: 'appending an empty list of Set-Cookie values adds no header',
      }),
    ),
  ),
  // Message wording: the tests check each error's code and the option it
  // names; a mutant that only empties the advice of a message is not a
  // behaviour change.
  ...[
    [
      'src/strategy.ts',
      "throw invalidOptions('verify', 'pass a verify function as the second argument.');",
    ],
    ['src/strategy.ts', "'req.res',"],
    ['src/strategy.ts', "'the strategy writes the login page on req.res: use it from Express.',"],
    [
      'src/strategy-options.ts',
      "'pass an object with teamID, keyID, privateKeyLocation and callbackURL.',",
    ],
    [
      'src/strategy-options.ts',
      "throw invalidOptions('jwtOptions', 'must be an object such as { expiresIn: \"180d\" }.');",
    ],
  ].map(([file, line]) => ({
    file,
    mutator: 'StringLiteral',
    line,
    reason: 'message wording only',
  })),
];
