// What every benchmark app and its clients share: the state secret, the
// signing key (passed to the child processes in BENCH_PRIVATE_KEY so that
// the sandbox checks the developer tokens the apps sign) and core's options.
import { generateKeyPairSync } from 'node:crypto';
import { createMemorySingleUseStore } from '@apple-music-auth/core';

/** The state secret the benchmark's apps and their pre-signed callbacks share. */
export const BENCH_STATE_SECRET = 'a-benchmark-state-secret-of-enough-length';

/** The team and key ids of the benchmark's developer tokens. */
export const BENCH_TEAM_ID = 'TEAM123456';
export const BENCH_KEY_ID = 'KEY1234567';

/** The login and callback paths every app serves ours on. */
export const LOGIN_PATH = '/auth/apple-music';
export const CALLBACK_PATH = '/auth/apple-music/callback';

/** The login route passport-apple-music is mounted on, on the Express app. */
export const LEGACY_LOGIN_PATH = '/legacy/auth/apple-music';

/** The PKCS#8 PEM of the benchmark's key: BENCH_PRIVATE_KEY, or a new one (set for the children). */
export function benchPrivateKey() {
  process.env.BENCH_PRIVATE_KEY ??= generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();
  return process.env.BENCH_PRIVATE_KEY;
}

/**
 * Core's options for the apps: a path callbackURL, the state secret,
 * verification off unless asked. A run finishes far more logins within a
 * state's lifetime than the default used-state store holds (100 a second,
 * then it refuses logins), so the apps get the largest one core allows.
 */
export function benchAuthOptions(overrides = {}) {
  return {
    teamId: BENCH_TEAM_ID,
    keyId: BENCH_KEY_ID,
    privateKey: benchPrivateKey(),
    callbackURL: CALLBACK_PATH,
    state: {
      secret: BENCH_STATE_SECRET,
      usedStates: createMemorySingleUseStore({ maxEntries: 10_000_000 }),
    },
    app: { name: 'Bench App' },
    verifyUserToken: false,
    ...overrides,
  };
}
