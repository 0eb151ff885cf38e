import { createHash, createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hmacSha256, hmacSha256Key, sha256 } from '../../src/crypto/sha256.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('sha256 and hmacSha256 in plain JavaScript', () => {
  it('match the FIPS 180-4 examples', () => {
    expect(hex(sha256(new TextEncoder().encode('abc')))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(hex(sha256(new Uint8Array()))).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  it('match node:crypto for every length around the block and padding edges, and long keys', () => {
    for (let length = 0; length <= 300; length += 1) {
      const message = randomBytes(length);
      expect(hex(sha256(message))).toBe(createHash('sha256').update(message).digest('hex'));
      for (const keyLength of [0, 1, 32, 63, 64, 65, 200]) {
        const secret = randomBytes(keyLength);
        expect(hex(hmacSha256(hmacSha256Key(secret), message))).toBe(
          createHmac('sha256', secret).update(message).digest('hex'),
        );
      }
    }
  });

  it('matches node:crypto on a message of several megabytes', () => {
    const message = randomBytes(3 * 1024 * 1024 + 17);
    expect(hex(sha256(message))).toBe(createHash('sha256').update(message).digest('hex'));
  });
});
