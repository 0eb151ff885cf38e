// SHA-256 and HMAC-SHA256 (FIPS 180-4, RFC 2104) in plain JavaScript. The
// login state is signed and checked on every request; WebCrypto's promise
// per call costs a thread-pool hop on Node that dwarfs hashing a few hundred
// bytes. Plain code runs the same on every runtime (Node, Bun, Deno, Workers).

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

const INITIAL = new Int32Array([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

const BLOCK_BYTES = 64;
const words = new Int32Array(64);

/** Mixes the 64-byte blocks of `bytes` from `offset` to `end` into `state`. */
function compress(state: Int32Array, bytes: Uint8Array, offset: number, end: number): void {
  for (let block = offset; block < end; block += BLOCK_BYTES) {
    for (let i = 0; i < 16; i += 1) {
      const at = block + i * 4;
      words[i] =
        ((bytes[at] as number) << 24) |
        ((bytes[at + 1] as number) << 16) |
        ((bytes[at + 2] as number) << 8) |
        (bytes[at + 3] as number);
    }
    for (let i = 16; i < 64; i += 1) {
      const w15 = words[i - 15] as number;
      const w2 = words[i - 2] as number;
      const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
      const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
      words[i] = ((words[i - 16] as number) + s0 + (words[i - 7] as number) + s1) | 0;
    }
    let a = state[0] as number;
    let b = state[1] as number;
    let c = state[2] as number;
    let d = state[3] as number;
    let e = state[4] as number;
    let f = state[5] as number;
    let g = state[6] as number;
    let h = state[7] as number;
    for (let i = 0; i < 64; i += 1) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const t1 = (h + S1 + ((e & f) ^ (~e & g)) + (K[i] as number) + (words[i] as number)) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    state[0] = ((state[0] as number) + a) | 0;
    state[1] = ((state[1] as number) + b) | 0;
    state[2] = ((state[2] as number) + c) | 0;
    state[3] = ((state[3] as number) + d) | 0;
    state[4] = ((state[4] as number) + e) | 0;
    state[5] = ((state[5] as number) + f) | 0;
    state[6] = ((state[6] as number) + g) | 0;
    state[7] = ((state[7] as number) + h) | 0;
  }
}

/**
 * Finishes a hash whose `state` has already absorbed `prefixBytes` bytes
 * (whole blocks) and returns the digest of those bytes followed by `bytes`.
 */
function finish(state: Int32Array, prefixBytes: number, bytes: Uint8Array): Uint8Array {
  const whole = bytes.length - (bytes.length % BLOCK_BYTES);
  compress(state, bytes, 0, whole);
  const rest = bytes.length - whole;
  const tailLength = rest < 56 ? BLOCK_BYTES : 2 * BLOCK_BYTES;
  for (let i = 0; i < rest; i += 1) tail[i] = bytes[whole + i] as number;
  tail[rest] = 0x80;
  tail.fill(0, rest + 1, tailLength);
  const bits = (prefixBytes + bytes.length) * 8;
  writeWord(tail, tailLength - 8, Math.floor(bits / 2 ** 32));
  writeWord(tail, tailLength - 4, bits);
  compress(state, tail, 0, tailLength);
  const digest = new Uint8Array(32);
  for (let i = 0; i < 8; i += 1) writeWord(digest, i * 4, state[i] as number);
  return digest;
}

/** The padded last block or two of the message being finished. */
const tail = new Uint8Array(2 * BLOCK_BYTES);

/** Writes the low 32 bits of `word` big-endian at `offset`. */
function writeWord(bytes: Uint8Array, offset: number, word: number): void {
  bytes[offset] = word >>> 24;
  bytes[offset + 1] = word >>> 16;
  bytes[offset + 2] = word >>> 8;
  bytes[offset + 3] = word;
}

/** SHA-256 of `bytes`. */
export function sha256(bytes: Uint8Array): Uint8Array {
  return finish(new Int32Array(INITIAL), 0, bytes);
}

/** An HMAC-SHA256 key with its inner and outer pads already hashed. */
export interface HmacSha256Key {
  /** The hash state after the key XOR ipad block. */
  readonly inner: Int32Array;
  /** The hash state after the key XOR opad block. */
  readonly outer: Int32Array;
}

/** Prepares `secret` as an HMAC-SHA256 key (RFC 2104): done once per secret. */
export function hmacSha256Key(secret: Uint8Array): HmacSha256Key {
  const block = new Uint8Array(BLOCK_BYTES);
  block.set(secret.length > BLOCK_BYTES ? sha256(secret) : secret);
  const pad = (byte: number): Int32Array => {
    const padded = block.map((value) => value ^ byte);
    const state = new Int32Array(INITIAL);
    compress(state, padded, 0, BLOCK_BYTES);
    return state;
  };
  return { inner: pad(0x36), outer: pad(0x5c) };
}

/** HMAC-SHA256 of `message` under a key from {@link hmacSha256Key}. */
export function hmacSha256(key: HmacSha256Key, message: Uint8Array): Uint8Array {
  const inner = finish(new Int32Array(key.inner), BLOCK_BYTES, message);
  return finish(new Int32Array(key.outer), BLOCK_BYTES, inner);
}
