import { invalidOptions } from './errors.js';
import { clockOption, numberOption } from './option-checks.js';

/**
 * Remembers which login states were used, so that each finishes one login
 * only. Several app instances share one store (e.g. Redis) to refuse a state
 * replayed on another instance. Backed by Redis, `consume` is one command:
 *
 * ```ts
 * const usedStates: SingleUseStore = {
 *   consume: async (id, ttlSeconds) =>
 *     (await redis.set(`apple-music-auth:used:${id}`, '1', { NX: true, EX: ttlSeconds })) === 'OK',
 * };
 * ```
 */
export interface SingleUseStore {
  /**
   * Marks `id` as used for `ttlSeconds` (at least 1) and answers whether it
   * was fresh: `true` the first time, `false` while it is remembered.
   */
  consume(id: string, ttlSeconds: number): boolean | Promise<boolean>;
}

/** Options of {@link createMemorySingleUseStore}. */
export interface MemorySingleUseStoreOptions {
  /** How many used ids to remember at most (default 10,000); the oldest go first. */
  maxEntries?: number;
  /** The clock, in milliseconds since the epoch (default `Date.now`). */
  now?: () => number;
}

/**
 * The default {@link SingleUseStore}: a bounded map in this process's memory.
 * Expired ids are dropped as new ones arrive; when it is full the oldest id
 * is forgotten. Enough for one instance; several instances need a shared store.
 *
 * @throws AppleMusicAuthError `ERR_INVALID_OPTIONS` for a bad option.
 */
export function createMemorySingleUseStore(
  options: MemorySingleUseStoreOptions = {},
): SingleUseStore {
  if (typeof options !== 'object' || options === null) {
    throw invalidOptions('options', 'expected an object (all its fields are optional).');
  }
  const maxEntries = numberOption('maxEntries', options.maxEntries, {
    min: 1,
    max: 10_000_000,
    fallback: 10_000,
    integer: true,
  });
  const now = clockOption('now', options.now);
  // `order` is the ids in the order they were marked, from `head` on:
  // insertion order is expiry order when every id gets the same lifetime;
  // with mixed lifetimes an expired id may wait behind a live one, which only
  // costs memory until the bound. A queue, because a Map iterated from its
  // start after many deletions walks every deleted slot again.
  const used = new Map<string, number>();
  const order: string[] = [];
  let head = 0;
  const dropOldest = (): void => {
    used.delete(order[head] as string);
    head += 1;
  };

  return {
    consume(id, ttlSeconds) {
      const time = now();
      while (head < order.length && !((used.get(order[head] as string) ?? 0) > time)) dropOldest();
      const expiresAt = used.get(id);
      if (expiresAt !== undefined && expiresAt > time) return false;
      while (used.size >= maxEntries) dropOldest();
      if (head > 1024 && head * 2 > order.length) {
        order.splice(0, head);
        head = 0;
      }
      used.set(id, time + Math.max(1, ttlSeconds) * 1000);
      order.push(id);
      return true;
    },
  };
}
