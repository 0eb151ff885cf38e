import { describe, expect, it } from 'vitest';
import { createMemorySingleUseStore } from '../../src/state/single-use-store.js';
import { thrownBy } from '../support/errors.js';

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

  it('never forgets a live id: when full it refuses new ids (ERR_USED_STATES_FULL, 503) and says so', () => {
    let clock = 0;
    const store = createMemorySingleUseStore({ maxEntries: 3, now: () => clock });
    for (const id of ['a', 'b', 'c']) expect(store.consume(id, 60)).toBe(true);
    expect(store.isFull?.()).toBe(true);
    const error = thrownBy(() => store.consume('d', 60));
    expect([error.code, error.status, error.expose]).toEqual(['ERR_USED_STATES_FULL', 503, false]);
    expect(error.message).toContain('state.usedStates');
    for (const id of ['a', 'b', 'c']) expect(store.consume(id, 60)).toBe(false);
    clock += 60_000;
    expect(store.isFull?.()).toBe(false);
    expect(store.consume('d', 60)).toBe(true);
    expect(store.consume('a', 60)).toBe(true);
  });

  it('makes room from an expired id that waits behind a live one', () => {
    let clock = 0;
    const store = createMemorySingleUseStore({ maxEntries: 2, now: () => clock });
    expect(store.consume('long', 600)).toBe(true);
    expect(store.consume('short', 1)).toBe(true);
    expect(store.isFull?.()).toBe(true);
    clock += 1_000;
    expect(store.isFull?.()).toBe(false);
    expect(store.consume('next', 600)).toBe(true);
    expect(store.consume('long', 600)).toBe(false);
    expect(() => store.consume('more', 600)).toThrow(/used-state store/);
  });

  it('holds 60,000 ids by default: 100 logins a second for 600 s', () => {
    const store = createMemorySingleUseStore({ now: () => 0 });
    for (let index = 0; index < 60_000; index += 1) store.consume(`id-${index}`, 600);
    expect(store.isFull?.()).toBe(true);
    expect(thrownBy(() => store.consume('one-more', 600)).code).toBe('ERR_USED_STATES_FULL');
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
