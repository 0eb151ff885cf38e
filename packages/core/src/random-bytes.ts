/** Bytes drawn from `crypto.getRandomValues` at once; each call hands out a slice. */
const POOL_BYTES = 4096;

let pool = new Uint8Array(0);
let offset = 0;

/**
 * `length` fresh bytes from the platform's CSPRNG. Short runs are drawn in
 * batches, because each `crypto.getRandomValues` call costs
 * microseconds on Node however few bytes it fills; no byte is handed out
 * twice. The view is only valid until the next call: copy or encode it at once.
 */
export function randomBytes(length: number): Uint8Array {
  if (length > POOL_BYTES) return crypto.getRandomValues(new Uint8Array(length));
  if (offset + length > pool.length) {
    pool = crypto.getRandomValues(new Uint8Array(POOL_BYTES));
    offset = 0;
  }
  const bytes = pool.subarray(offset, offset + length);
  offset += length;
  return bytes;
}
