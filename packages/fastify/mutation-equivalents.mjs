// Mutants that no test can kill because the mutated code behaves the same,
// each matched by file, mutator, an excerpt of its line and (optionally) the
// replacement, with the reason it is equivalent. scripts/mutation-score.mjs
// sets them aside before it computes the score.

const ADD_COOKIES = "if (setCookies.length > 0) reply.header('set-cookie', setCookies);";

/** @type {Array<{ file: string, mutator: string, line: string, replacement?: string, reason: string }>} */
export const equivalentMutants = [
  ...[
    ['ConditionalExpression', 'true'],
    ['EqualityOperator', 'setCookies.length >= 0'],
  ].map(([mutator, replacement]) => ({
    file: 'src/plugin.ts',
    mutator,
    line: ADD_COOKIES,
    replacement,
    reason: 'an empty list of Set-Cookie values adds no header',
  })),
  // Message and log wording: the tests check each error's code and the option
  // it names, and the log lines' fields; a mutant that only empties the advice
  // of a message or the text of a log line is not a behaviour change.
  ...[
    [
      'src/plugin.ts',
      "throw invalid('session', 'register @fastify/session or @fastify/secure-session first.');",
    ],
    ['src/plugin.ts', '(prefix + callbackPath): make them agree, or leave callbackURL out.`'],
    ['src/plugin.ts', "'Apple Music login failed');"],
    ['src/plugin.ts', "'Apple Music login succeeded');"],
    ['src/plugin.ts', 'post the form the bridge page builds.`'],
    [
      'src/plugin-options.ts',
      "const routePath = \"must be a path starting with one '/', e.g. '/auth/apple-music'.\";",
    ],
    ['src/plugin-options.ts', "'must be a JavaScript identifier.'"],
    ['src/plugin-options.ts', "'must be true or false.'"],
    ['src/plugin-options.ts', "'must be a function.'"],
    [
      'src/plugin-options.ts',
      "'the plugin builds it from the prefix and `loginPath`: give `loginPath`.',",
    ],
  ].map(([file, line]) => ({
    file,
    mutator: 'StringLiteral',
    line,
    reason: 'message wording only',
  })),
];
