import { describe, expect, it } from 'vitest';
import { randomBytes } from '../../src/crypto/random-bytes.js';

/** Byte ranges handed out, by the buffer they are views of. */
type Ranges = Map<ArrayBufferLike, Array<[start: number, end: number]>>;

/** Records the range of `bytes` in its buffer; returns the ranges it overlaps. */
function overlapsOf(ranges: Ranges, bytes: Uint8Array): string[] {
  const start = bytes.byteOffset;
  const end = start + bytes.byteLength;
  const taken = ranges.get(bytes.buffer) ?? [];
  const overlaps = taken
    .filter(([otherStart, otherEnd]) => start < otherEnd && otherStart < end)
    .map(([otherStart, otherEnd]) => `[${start}, ${end}) overlaps [${otherStart}, ${otherEnd})`);
  taken.push([start, end]);
  ranges.set(bytes.buffer, taken);
  return overlaps;
}

describe('randomBytes', () => {
  it('never hands out the same bytes twice: runs of every length are disjoint, across pool refills', () => {
    const ranges: Ranges = new Map();
    const overlaps: string[] = [];
    let total = 0;
    for (let index = 0; index < 3000; index += 1) {
      const length = 1 + ((index * 7) % 64);
      const bytes = randomBytes(length);
      expect(bytes).toHaveLength(length);
      overlaps.push(...overlapsOf(ranges, bytes));
      total += length;
    }
    expect(overlaps).toEqual([]);
    // Enough to refill a 4 KiB pool many times over.
    expect(total).toBeGreaterThan(20 * 4096);
    expect(ranges.size).toBeGreaterThan(20);
  });

  it('hands out no run that repeats part of another at any shift', () => {
    // Eight-byte windows of every run, copied at once (the view lives until the next call).
    const windows = new Set<string>();
    let count = 0;
    for (let index = 0; index < 1000; index += 1) {
      const hex = Buffer.from(randomBytes(index % 2 === 0 ? 32 : 16)).toString('hex');
      for (let at = 0; at + 16 <= hex.length; at += 2) {
        windows.add(hex.slice(at, at + 16));
        count += 1;
      }
    }
    expect(windows.size).toBe(count);
  });

  it('serves runs longer than its pool in one piece', () => {
    const bytes = randomBytes(5000);
    expect(bytes).toHaveLength(5000);
    expect(new Set(bytes).size).toBeGreaterThan(200);
  });
});
