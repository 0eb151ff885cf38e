import { describe, expect, it } from 'vitest';
import { randomBytes } from '../src/random-bytes.js';

describe('randomBytes', () => {
  it('never hands out the same bytes twice, across pool refills', () => {
    const seen = new Set<string>();
    for (let index = 0; index < 1000; index += 1) {
      const bytes = randomBytes(32);
      expect(bytes).toHaveLength(32);
      seen.add(Buffer.from(bytes).toString('hex'));
    }
    expect(seen.size).toBe(1000);
  });

  it('serves runs longer than its pool in one piece', () => {
    const bytes = randomBytes(5000);
    expect(bytes).toHaveLength(5000);
    expect(new Set(bytes).size).toBeGreaterThan(200);
  });
});
