import { generateKeyPairSync } from 'node:crypto';
import type { Sandbox } from '@apple-music-auth/sandbox';
import type { StrategyOptions, StrategyOptionsWithoutRequest } from '../../src/index.js';

/** The sandbox's credentials: a fresh P-256 key for every test run. */
export const teamId = 'TEAM123456';
export const keyId = 'KEY1234567';
export const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

/** A state secret long enough for HMAC. */
export const stateSecret = 'a-state-secret-that-is-long-enough-for-hmac';

/** Options that point a strategy at the sandbox, in cookie mode; `extra` may set `passReqToCallback`. */
export function sandboxOptions(
  sandbox: Sandbox,
  extra: Partial<StrategyOptions> = {},
): StrategyOptionsWithoutRequest {
  return {
    teamId,
    keyId,
    privateKey,
    callbackURL: '/auth/apple-music/callback',
    state: { secret: stateSecret },
    endpoints: { authorize: sandbox.authorizeURL, api: sandbox.apiURL },
    timeoutMs: 2000,
    ...extra,
  } as StrategyOptionsWithoutRequest;
}
