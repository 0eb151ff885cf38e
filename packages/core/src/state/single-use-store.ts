import { clockOption, numberOption } from '../checks/option-checks.js';
import { AppleMusicAuthError, invalidOptions } from '../errors.js';

/**
 * Remembers which login states were used, so that each finishes one login
 * only. Several app instances share one store (e.g. Redis) to refuse a state
 * replayed on another instance. Backed by Redis, `consume` is one atomic
 * command (`SET NX`), so two callbacks racing with one state cannot both win:
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
   * was fresh: `true` the first time, `false` while it is remembered. Two
   * calls with one id, however close, must not both answer `true`. A store
   * that has no room throws (`ERR_USED_STATES_FULL`) rather than forget an
   * id that is still remembered.
   */
  consume(id: string, ttlSeconds: number): boolean | Promise<boolean>;
  /**
   * Answers `true` when the store holds as many ids as it can: new logins are
   * then refused with `ERR_USED_STATES_FULL` (503). A store without a bound
   * (Redis) leaves it out.
   */
  isFull?(): boolean | Promise<boolean>;
}

/** How many logins a second the default store holds, sustained: its size is `state.maxAge` times this. */
export const USED_STATES_PER_SECOND = 100;

/** The default size of {@link createMemorySingleUseStore}: 100 logins a second for 600 s. */
const DEFAULT_MAX_ENTRIES = 600 * USED_STATES_PER_SECOND;

/**
 * Options of {@link createMemorySingleUseStore}.
 *
 * @inline
 */
export interface MemorySingleUseStoreOptions {
  /**
   * How many unexpired ids it holds at most (default 60,000: 100 logins a
   * second for the default `state.maxAge` of 600 s). When it is full of
   * unexpired ids it refuses new ones rather than forget one.
   */
  maxEntries?: number;
  /** The clock, in milliseconds since the epoch (default `Date.now`). */
  now?: () => number;
}

/**
 * `ERR_USED_STATES_FULL` (503): the used-state store holds as many unexpired
 * states as it may; forgetting one would let it be replayed.
 */
export function usedStatesFull(maxEntries?: number): AppleMusicAuthError {
  const size = maxEntries === undefined ? '' : ` (${maxEntries})`;
  return new AppleMusicAuthError(
    'ERR_USED_STATES_FULL',
    `Too many logins at once: the used-state store holds as many unexpired states as it may${size}, and forgetting one would let it be replayed, so logins are refused until some expire (within \`state.maxAge\`). If this is real traffic, give \`state.usedStates\` a larger store (\`createMemorySingleUseStore({ maxEntries })\`) or a shared one such as Redis.`,
  );
}

/**
 * The default {@link SingleUseStore}: a bounded map in this process's memory.
 * Expired ids are dropped as new ones arrive. It never forgets an unexpired
 * id: when it is full of them, `consume` of a new id throws
 * `ERR_USED_STATES_FULL` and `isFull()` answers `true`, until some expire.
 * Enough for one instance; several instances need a shared store.
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
    fallback: DEFAULT_MAX_ENTRIES,
    integer: true,
  });
  const now = clockOption('now', options.now);
  // `order` is the ids in the order they were marked, from `head` on. An id
  // lives until its state expires, so an id marked later may expire sooner:
  // dropping from the head finds the usual case cheaply, and a full store
  // also sweeps the whole map, at most once a second (`nextSweep`), so that
  // a flood cannot make every request walk it. A queue, because a Map
  // iterated from its start after many deletions walks every deleted slot again.
  const used = new Map<string, number>();
  const order: string[] = [];
  let head = 0;
  let nextSweep = Number.NEGATIVE_INFINITY;
  const dropExpiredHead = (time: number): void => {
    while (head < order.length && !((used.get(order[head] as string) ?? 0) > time)) {
      used.delete(order[head] as string);
      head += 1;
    }
  };
  /** True when no new id fits, after dropping every expired one. */
  const full = (time: number): boolean => {
    dropExpiredHead(time);
    if (used.size < maxEntries) return false;
    if (time < nextSweep) return true;
    nextSweep = time + 1000;
    for (const [id, expiresAt] of used) if (expiresAt <= time) used.delete(id);
    return used.size >= maxEntries;
  };

  return {
    consume(id, ttlSeconds) {
      const time = now();
      dropExpiredHead(time);
      const remembered = used.get(id);
      if (remembered !== undefined && remembered > time) return false;
      if (full(time)) throw usedStatesFull(maxEntries);
      if (head > 1024 && head * 2 > order.length) {
        order.splice(0, head);
        head = 0;
      }
      used.set(id, time + Math.max(1, ttlSeconds) * 1000);
      order.push(id);
      return true;
    },
    isFull: () => full(now()),
  };
}
