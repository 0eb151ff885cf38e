// Mutants that no test can kill because the mutated code behaves the same,
// each matched by file, mutator, an excerpt of its line and (optionally) the
// replacement, with the reason it is equivalent. scripts/mutation-score.mjs
// sets them aside before it computes the score.

/** @type {Array<{ file: string, mutator: string, line: string, replacement?: string, reason: string }>} */
export const equivalentMutants = [
  {
    file: 'src/constant-time.ts',
    mutator: 'EqualityOperator',
    line: 'index < a.length',
    replacement: 'index <= a.length',
    reason: 'the extra turn XORs NaN with NaN, which is 0: the result cannot change',
  },
  {
    file: 'src/sha256.ts',
    mutator: 'EqualityOperator',
    line: 'for (let i = 0; i < 16; i += 1)',
    replacement: 'i <= 16',
    reason: 'words[16] is written from the next bytes, then overwritten by the schedule loop',
  },
  {
    file: 'src/sha256.ts',
    mutator: 'EqualityOperator',
    line: 'for (let i = 16; i < 64; i += 1)',
    replacement: 'i <= 64',
    reason: 'a write to words[64] is dropped by the 64-word typed array',
  },
  {
    file: 'src/sha256.ts',
    mutator: 'ArithmeticOperator',
    line: 'Math.floor(bits / 2 ** 32)',
    replacement: 'bits * 2 ** 32',
    reason:
      'bits * 2^32 is an exact multiple of 2^32, which setUint32 writes as 0: the same high word as for any message under 512 MiB',
  },
  {
    file: 'src/state.ts',
    mutator: 'ConditionalExpression',
    line: 'if (key === undefined) {',
    replacement: 'true',
    reason: 'preparing the key again on every call gives the same key: only slower',
  },
  {
    file: 'src/state.ts',
    mutator: 'ConditionalExpression',
    line: 'if (hmacKeys.size >= MAX_CACHED_HMAC_KEYS) hmacKeys.clear();',
    reason: 'when the key cache is cleared only changes memory and speed, never a result',
  },
  {
    file: 'src/state.ts',
    mutator: 'EqualityOperator',
    line: 'if (hmacKeys.size >= MAX_CACHED_HMAC_KEYS) hmacKeys.clear();',
    reason: 'when the key cache is cleared only changes memory and speed, never a result',
  },
  {
    file: 'src/state.ts',
    mutator: 'ConditionalExpression',
    line: 'if (returnTo !== undefined) claims.rt = returnTo;',
    replacement: 'true',
    reason: 'an rt of undefined is left out by JSON.stringify: the same state',
  },
  {
    file: 'src/state.ts',
    mutator: 'BlockStatement',
    line: '} catch {',
    replacement: '{}',
    reason: 'the catch block returns undefined, which an empty block returns too',
  },
  {
    file: 'src/state.ts',
    mutator: 'ConditionalExpression',
    line: "if (rt !== undefined && (typeof rt !== 'string' || rt !== safeReturnTo(rt))) {",
    replacement: 'false',
    reason:
      'a non-string rt also differs from safeReturnTo(rt), which is undefined for it; and rt undefined passes either way',
  },
];
