import { clockOption, type NumberOptionRange, numberOption } from '../checks/option-checks.js';
import { invalidOptions } from '../errors.js';
import { checkTokenClaims, signDeveloperToken } from './developer-token.js';
import { importPrivateKey, inspectPrivateKey, type PrivateKeyInput } from './keys.js';

/** `renewBefore`: the share of a token's lifetime left when it is re-signed. */
export const RENEW_BEFORE_RANGE: NumberOptionRange = {
  min: 0,
  max: 1,
  fallback: 0.1,
  exclusive: true,
};

/**
 * What {@link createDeveloperTokenCache} needs.
 *
 * @inline
 */
export interface DeveloperTokenCacheOptions {
  /** Your Apple Developer Team ID: 10 uppercase letters and digits. */
  teamId: string;
  /** The ID of your MusicKit key: 10 uppercase letters and digits. */
  keyId: string;
  /** The `.p8` key in any form `importPrivateKey` accepts. */
  privateKey: PrivateKeyInput;
  /** Lifetime of each token (default and maximum `'180d'`); see `signDeveloperToken`. */
  expiresIn?: number | string;
  /** Web origins for the `origin` claim; leave out for server-side calls. */
  origins?: readonly string[];
  /**
   * Re-sign when less than this share of a token's lifetime remains
   * (default `0.1`: 18 days of 180). Greater than 0 and less than 1.
   */
  renewBefore?: number;
  /** The clock, in milliseconds since the epoch (default `Date.now`). */
  now?: () => number;
}

/**
 * A developer token that renews itself; see {@link createDeveloperTokenCache}.
 *
 * @inline
 */
export interface DeveloperTokenCache {
  /**
   * The current token; signs a new one first when none exists yet or the
   * current one is close to expiry. Concurrent callers share one signing.
   */
  getToken(): Promise<string>;
  /** When the current token expires (ms since the epoch), or `undefined` before the first. */
  readonly expiresAt: number | undefined;
  /** When `getToken` will sign the next one (ms since the epoch), or `undefined` before the first. */
  readonly renewsAt: number | undefined;
}

/**
 * Keeps one developer token and re-signs it before it expires, so nobody
 * pastes a token into config. Options are checked now (throws
 * `ERR_INVALID_OPTIONS`, or `ERR_INVALID_KEY` for a wrong key); the key is
 * imported once, on the first `getToken`. A failed signing is not cached:
 * the next call tries again.
 */
export function createDeveloperTokenCache(
  options: DeveloperTokenCacheOptions,
): DeveloperTokenCache {
  const { teamId, keyId, lifetimeSeconds, origins } = checkTokenClaims(options);
  const renewBefore = numberOption('renewBefore', options.renewBefore, RENEW_BEFORE_RANGE);
  const now = clockOption('now', options.now);
  const { privateKey } = options;
  if (privateKey === undefined || privateKey === null || privateKey === '') {
    throw invalidOptions(
      'privateKey',
      'give the text of your AuthKey_<KEYID>.p8 file (or a CryptoKey, KeyObject or JWK).',
    );
  }
  inspectPrivateKey(privateKey);
  let key: Promise<CryptoKey> | undefined;
  return developerTokenCache({
    teamId,
    keyId,
    lifetimeSeconds,
    origins,
    renewBefore,
    now,
    key: () => {
      key ??= importPrivateKey(privateKey);
      return key;
    },
  });
}

/** What a token cache signs with, checked once; `key` imports the key (once, shared by caches). */
export interface CheckedTokenCacheOptions {
  teamId: string;
  keyId: string;
  lifetimeSeconds: number;
  origins: string[];
  renewBefore: number;
  now: () => number;
  key: () => Promise<CryptoKey>;
}

/**
 * {@link createDeveloperTokenCache} on checked values, for the caches one
 * `createAppleMusicAuth` keeps (the server's, one per browser origin): they
 * share one imported key, and nothing is checked again when one is added.
 */
export function developerTokenCache(options: CheckedTokenCacheOptions): DeveloperTokenCache {
  const { teamId, keyId, lifetimeSeconds, origins, renewBefore, now } = options;
  const renewMs = lifetimeSeconds * 1000 * renewBefore;
  let current: { token: string; expiresAt: number } | undefined;
  let signing: Promise<string> | undefined;

  async function sign(): Promise<string> {
    const signedAt = now();
    const token = await signDeveloperToken({
      teamId,
      keyId,
      privateKey: await options.key(),
      expiresIn: lifetimeSeconds,
      origins,
      now: new Date(signedAt),
    });
    current = { token, expiresAt: (Math.floor(signedAt / 1000) + lifetimeSeconds) * 1000 };
    return token;
  }

  return {
    getToken() {
      if (current !== undefined && current.expiresAt - now() >= renewMs) {
        return Promise.resolve(current.token);
      }
      signing ??= sign().finally(() => {
        signing = undefined;
      });
      return signing;
    },
    get expiresAt() {
      return current?.expiresAt;
    },
    get renewsAt() {
      return current === undefined ? undefined : current.expiresAt - renewMs;
    },
  };
}
