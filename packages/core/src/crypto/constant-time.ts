/**
 * Compares two strings in time that depends on their length only, not on
 * where they first differ. Use it for secrets of a public, fixed length
 * (hashes, random nonces): a length mismatch returns early.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  // Stryker disable next-line EqualityOperator: with <=, the extra turn XORs NaN with NaN, which is 0: the result cannot change
  for (let index = 0; index < a.length; index += 1) {
    difference |= a.charCodeAt(index) ^ b.charCodeAt(index);
  }
  return difference === 0;
}
