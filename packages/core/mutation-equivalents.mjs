// Mutants that no test can kill because the mutated code behaves the same,
// each matched by file, mutator, an excerpt of its line and (optionally) the
// replacement, with the reason it is equivalent. scripts/mutation-score.mjs
// sets them aside before it computes the score.

/** @type {Array<{ file: string, mutator: string, line: string, replacement?: string, reason: string }>} */
export const equivalentMutants = [
  {
    file: 'src/crypto/constant-time.ts',
    mutator: 'EqualityOperator',
    line: 'index < a.length',
    replacement: 'index <= a.length',
    reason: 'the extra turn XORs NaN with NaN, which is 0: the result cannot change',
  },
  {
    file: 'src/crypto/sha256.ts',
    mutator: 'EqualityOperator',
    line: 'for (let i = 0; i < 16; i += 1)',
    replacement: 'i <= 16',
    reason: 'words[16] is written from the next bytes, then overwritten by the schedule loop',
  },
  {
    file: 'src/crypto/sha256.ts',
    mutator: 'EqualityOperator',
    line: 'for (let i = 16; i < 64; i += 1)',
    replacement: 'i <= 64',
    reason: 'a write to words[64] is dropped by the 64-word typed array',
  },
  {
    file: 'src/crypto/sha256.ts',
    mutator: 'ArithmeticOperator',
    line: 'Math.floor(bits / 2 ** 32)',
    replacement: 'bits * 2 ** 32',
    reason:
      'bits * 2^32 is an exact multiple of 2^32, which setUint32 writes as 0: the same high word as for any message under 512 MiB',
  },
  {
    file: 'src/state/signed-state.ts',
    mutator: 'ConditionalExpression',
    line: 'if (key === undefined) {',
    replacement: 'true',
    reason: 'preparing the key again on every call gives the same key: only slower',
  },
  {
    file: 'src/state/signed-state.ts',
    mutator: 'ConditionalExpression',
    line: 'if (hmacKeys.size >= MAX_CACHED_HMAC_KEYS) hmacKeys.clear();',
    reason: 'when the key cache is cleared only changes memory and speed, never a result',
  },
  {
    file: 'src/state/signed-state.ts',
    mutator: 'EqualityOperator',
    line: 'if (hmacKeys.size >= MAX_CACHED_HMAC_KEYS) hmacKeys.clear();',
    reason: 'when the key cache is cleared only changes memory and speed, never a result',
  },
  {
    file: 'src/state/signed-state.ts',
    mutator: 'ConditionalExpression',
    line: 'if (returnTo !== undefined) claims.rt = returnTo;',
    replacement: 'true',
    reason: 'an rt of undefined is left out by JSON.stringify: the same state',
  },
  {
    file: 'src/state/signed-state.ts',
    mutator: 'BlockStatement',
    line: '} catch {',
    replacement: '{}',
    reason:
      'decodeObject and safeReturnTo: the catch block returns undefined, which an empty block returns too',
  },
  {
    file: 'src/state/signed-state.ts',
    mutator: 'ConditionalExpression',
    line: "if (rt !== undefined && (typeof rt !== 'string' || rt !== safeReturnTo(rt))) {",
    replacement: 'false',
    reason:
      'a non-string rt also differs from safeReturnTo(rt), which is undefined for it; and rt undefined passes either way',
  },
  {
    file: 'src/http/request-body.ts',
    mutator: 'ConditionalExpression',
    line: 'if (value !== null && value !== undefined && Number.isFinite(declared)',
    replacement: 'true',
    reason:
      'Number(null) is 0 and Number(undefined) is NaN, so neither passes `Number.isFinite(declared) && declared > maxBytes` on its own',
  },
  {
    file: 'src/http/request-body.ts',
    mutator: 'LogicalOperator',
    line: 'if (value !== null && value !== undefined && Number.isFinite(declared)',
    replacement: 'value !== null || value !== undefined',
    reason: 'always true, which is equivalent for the reason above',
  },
  {
    file: 'src/http/return-to.ts',
    mutator: 'ConditionalExpression',
    line: "if (url.origin !== DUMMY_ORIGIN) throw invalidReturnTo('it points to another origin');",
    replacement: 'false',
    reason:
      "a value that starts with one '/' and holds no backslash always resolves on the dummy origin; the check stays as a second line of defence",
  },
  {
    file: 'src/http/return-to.ts',
    mutator: 'StringLiteral',
    line: "if (url.origin !== DUMMY_ORIGIN) throw invalidReturnTo('it points to another origin');",
    reason: 'the message of the unreachable check above',
  },
  {
    file: 'src/protocol/callback-payload.ts',
    mutator: 'BooleanLiteral',
    line: 'json: false }',
    replacement: 'true',
    reason:
      'the json flag only lets `restricted` be a boolean, and a form (text or URLSearchParams) only has string values',
  },
  {
    file: 'src/protocol/callback-payload.ts',
    mutator: 'OptionalChaining',
    line: "options.contentType?.split(';')[0]?.trim()",
    reason: 'split always returns at least one element, so [0] is never undefined',
  },
  {
    file: 'src/protocol/callback-payload.ts',
    mutator: 'ConditionalExpression',
    line: "if (typeof value === 'string' && CONTROL_CHARACTER.test(value)) {",
    replacement: 'true',
    reason:
      'the only other value that gets here is a boolean restricted, whose text (true or false) has no control character',
  },
  {
    file: 'src/tokens/developer-token.ts',
    mutator: 'EqualityOperator',
    line: 'Math.abs(exact - rounded) < 1e-6',
    replacement: 'Math.abs(exact - rounded) <= 1e-6',
    reason:
      'a product of a decimal and a unit that lands exactly 1e-6 from an integer does not occur',
  },
  {
    file: 'src/state/state-store.ts',
    mutator: 'ConditionalExpression',
    line: "if (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt)) throw malformed();",
    replacement: 'false',
    reason:
      'Number.isFinite is false for every non-number, so the typeof test alone changes nothing',
  },
  {
    file: 'src/routes/web-handlers.ts',
    mutator: 'OptionalChaining',
    line: 'steps.failureReply(error, input, outcome.result?.returnTo)',
    reason: 'reached only when onSuccess threw, so after a result',
  },
  {
    file: 'src/routes/web-handlers.ts',
    mutator: 'ConditionalExpression',
    line: 'if (cookies.length === 0) return response;',
    replacement: 'false',
    reason: "a copy of the app's Response with no cookie added answers the same",
  },
  // Message wording: the tests check each error's code and status, and the
  // part of a message that tells the user what to do; a mutant that only
  // empties the text of one of these messages is not a behaviour change.
  ...[
    ['src/http/return-to.ts', 'throw invalidReturnTo('],
    ['src/http/return-to.ts', "Only same-site paths like '/library' are allowed (optionally `"],
    ['src/http/return-to.ts', '`with a query and a hash, at most '],
    ['src/protocol/callback-payload.ts', '; start `'],
    [
      'src/protocol/callback-payload.ts',
      "'application/x-www-form-urlencoded (as the bridge page does) or application/json',",
    ],
    ['src/protocol/callback-payload.ts', 'is unknown; expected one of'],
    ['src/state/state-store.ts', "throw invalidOptions('options', "],
    ['src/state/state-store.ts', '`expected a cookie name made of letters, digits and'],
    ['src/state/state-store.ts', "'expected an object with `consume(id, ttlSeconds)`"],
    [
      'src/state/state-store.ts',
      "stateMalformed('the session holds something else under its key')",
    ],
    ['src/state/state-store.ts', "throw stateMissing('this session has no pending login');"],
    ['src/state/state-store.ts', '`expected a non-empty string of at most 100 characters'],
  ].map(([file, line]) => ({
    file,
    mutator: 'StringLiteral',
    line,
    reason: 'message wording only',
  })),
];
