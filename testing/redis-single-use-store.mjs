// A SingleUseStore shared through Redis: each state finishes one login across
// every instance that points at the same Redis. One atomic command per
// callback: SET key 1 NX EX ttl answers OK the first time, nothing after.

/**
 * Makes a `state.usedStates` store on a connected node-redis client
 * (`createClient({ url }).connect()`), under `prefix`.
 *
 * @param {{ set(key: string, value: string, options: { NX: true, EX: number }): Promise<string | null> }} redis
 * @param {string} [prefix]
 * @returns {import('@apple-music-auth/core').SingleUseStore}
 */
export function createRedisSingleUseStore(redis, prefix = 'apple-music-auth:used:') {
  return {
    consume: async (id, ttlSeconds) =>
      (await redis.set(`${prefix}${id}`, '1', {
        NX: true,
        EX: Math.max(1, Math.ceil(ttlSeconds)),
      })) === 'OK',
  };
}
