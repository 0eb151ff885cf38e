import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeBase64, encodeBase64, encodeBase64URL } from '../../src/crypto/base64.js';

describe('base64', () => {
  it('encodes every length and byte value as Node does, padded and URL-safe', () => {
    const all = Uint8Array.from({ length: 256 }, (_, index) => index);
    for (let length = 0; length <= 70; length += 1) {
      for (const bytes of [randomBytes(length), all.subarray(256 - length)]) {
        const buffer = Buffer.from(bytes);
        expect(encodeBase64(bytes)).toBe(buffer.toString('base64'));
        expect(encodeBase64URL(bytes)).toBe(buffer.toString('base64url'));
        expect(decodeBase64(encodeBase64(bytes)) ?? new Uint8Array(0)).toEqual(
          new Uint8Array(bytes),
        );
      }
    }
  });
});
