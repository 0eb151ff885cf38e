import { describe, expect, it } from 'vitest';
import { createMemorySingleUseStore } from '../src/single-use-store.js';
import { thrownBy } from './support/errors.js';

describe('createMemorySingleUseStore', () => {
  it('answers true the first time and false while the id is remembered', () => {
    let clock = 1_000_000;
    const store = createMemorySingleUseStore({ now: () => clock });
    expect(store.consume('a', 10)).toBe(true);
    expect(store.consume('a', 10)).toBe(false);
    clock += 9_999;
    expect(store.consume('a', 10)).toBe(false);
    clock += 1;
    expect(store.consume('a', 10)).toBe(true);
    expect(store.consume('a', 10)).toBe(false);
  });

  it('remembers an id for at least a second', () => {
    let clock = 0;
    const store = createMemorySingleUseStore({ now: () => clock });
    expect(store.consume('a', 0)).toBe(true);
    clock += 999;
    expect(store.consume('a', 0)).toBe(false);
  });

  it('forgets the oldest ids first when full', () => {
    const store = createMemorySingleUseStore({ maxEntries: 3, now: () => 0 });
    for (const id of ['a', 'b', 'c', 'd']) expect(store.consume(id, 60)).toBe(true);
    expect(store.consume('b', 60)).toBe(false);
    expect(store.consume('c', 60)).toBe(false);
    expect(store.consume('d', 60)).toBe(false);
    expect(store.consume('a', 60)).toBe(true);
  });

  it('keeps every live id through many expiries and evictions', () => {
    let clock = 0;
    const store = createMemorySingleUseStore({ maxEntries: 5_000, now: () => clock });
    for (let index = 0; index < 30_000; index += 1) {
      clock += 1;
      expect(store.consume(`id-${index}`, 2)).toBe(true);
      if (index >= 1_999) expect(store.consume(`id-${index - 1_999}`, 2)).toBe(false);
    }
    clock += 2_000;
    expect(store.consume('id-29999', 2)).toBe(true);
  });

  it.each([0, 1.5, -1, 'many'])('refuses maxEntries %j', (maxEntries) => {
    const error = thrownBy(() => createMemorySingleUseStore({ maxEntries: maxEntries as number }));
    expect(error.code).toBe('ERR_INVALID_OPTIONS');
    expect(error.message).toContain('maxEntries');
  });
});
