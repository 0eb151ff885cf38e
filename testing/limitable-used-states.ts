// A used-state store for the scenario apps whose room the eviction flood can
// shrink for a while (ScenarioTarget.limitUsedStates): the flood fills a small
// store of core's own kind, and the app gets its usual one back afterwards.

/** Core's `SingleUseStore`, as far as this helper needs it. */
export interface UsedStates {
  consume(id: string, ttlSeconds: number): boolean | Promise<boolean>;
  isFull?(): boolean | Promise<boolean>;
}

/** A store to give the app as `state.usedStates`, and the target's `limitUsedStates`. */
export interface LimitableUsedStates {
  /** Passes every call to the store in use: the app's usual one, or the small one. */
  store: UsedStates;
  /** Puts a store of `maxEntries` in use until the returned function restores the usual one. */
  limit(maxEntries: number): () => void;
}

/**
 * Makes the pair from `create`, e.g. `(maxEntries) =>
 * createMemorySingleUseStore({ maxEntries, now })` (called without a size for
 * the usual store).
 */
export function limitableUsedStates(
  create: (maxEntries?: number) => UsedStates,
): LimitableUsedStates {
  const usual = create();
  let current = usual;
  return {
    store: {
      consume: (id, ttlSeconds) => current.consume(id, ttlSeconds),
      isFull: () => current.isFull?.() ?? false,
    },
    limit(maxEntries) {
      current = create(maxEntries);
      return () => {
        current = usual;
      };
    },
  };
}
