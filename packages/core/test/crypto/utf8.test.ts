import { describe, expect, it } from 'vitest';
import { utf8Bytes, utf8Length } from '../../src/crypto/utf8.js';

const SAMPLES = [
  '',
  'plain ascii state.eyJhbGciOi-_',
  'Café Müsik',
  '音楽 🎵 and 𝄞',
  'lone \ud800 high, lone \udc00 low, and \ud800 at the end \ud800',
  '\u007f\u0080\u07ff\u0800\uffff',
];

describe('utf8', () => {
  it.each(SAMPLES)('encodes and measures %j as TextEncoder does', (text) => {
    const expected = new TextEncoder().encode(text);
    expect(utf8Bytes(text)).toEqual(expected);
    expect(utf8Length(text)).toBe(expected.length);
  });
});
