import { type DeveloperTokenCache, developerTokenCache } from './developer-token-cache.js';
import { importPrivateKey, type PrivateKeyInput } from './keys.js';

/** What the token caches of one `createAppleMusicAuth` sign with: its resolved options' token part. */
export interface TokenSettings {
  teamId: string;
  keyId: string;
  privateKey: PrivateKeyInput;
  /** The server token's lifetime in seconds; the browser's is at most a day. */
  expiresIn: number;
  /** More origins for the browser token's `origin` claim. */
  origins: readonly string[];
  /** Whether the browser token has an `origin` claim. */
  originClaim: boolean;
  /** The app's listed origins, each of which keeps its browser token for good. */
  appOrigins: readonly string[] | undefined;
  renewBefore: number;
  now: () => number;
}

/** The longest life of the developer token a page sees: a day, plenty for a page used for minutes. */
export const BROWSER_TOKEN_LIFETIME_SECONDS = 86_400;

/** At most this many origins not listed in `appOrigins` (loopback ones in development) keep a browser token. */
export const MAX_OTHER_ORIGINS = 8;

/** Makes the developer token caches of one `createAppleMusicAuth`, from its resolved options. */
export type TokenCaches = (origins: readonly string[], expiresIn: number) => DeveloperTokenCache;

/**
 * The token caches of one `createAppleMusicAuth`: every one (the server's,
 * each browser origin's) signs with the resolved options and one key,
 * imported once, on the first signing.
 */
export function createTokenCaches(resolved: TokenSettings): TokenCaches {
  let key: Promise<CryptoKey> | undefined;
  const loadKey = () => {
    key ??= importPrivateKey(resolved.privateKey);
    return key;
  };
  return (origins, expiresIn) =>
    developerTokenCache({
      teamId: resolved.teamId,
      keyId: resolved.keyId,
      lifetimeSeconds: expiresIn,
      origins: [...origins],
      renewBefore: resolved.renewBefore,
      now: resolved.now,
      key: loadKey,
    });
}

/**
 * The developer tokens the bridge page embeds: separate from the server's,
 * short-lived, and (unless `developerToken.originClaim` is `false`) bound to
 * the app's origin plus `developerToken.origins`. One per origin: each listed
 * app origin keeps its own for good (requests for other origins are refused
 * before they get here, so they cannot push one out); the absolute
 * callbackURL's origin, or loopback origins in development, keep a few, the
 * oldest dropped first. Each is cached and renewed, never signed per request.
 */
export function createBrowserTokens(
  resolved: TokenSettings,
  tokenCache: TokenCaches,
): (origin: string) => DeveloperTokenCache {
  const expiresIn = Math.min(BROWSER_TOKEN_LIFETIME_SECONDS, resolved.expiresIn);
  if (!resolved.originClaim) {
    const shared = tokenCache([], expiresIn);
    return () => shared;
  }
  const cacheFor = (origin: string) => tokenCache([origin, ...resolved.origins], expiresIn);
  const listed = new Set(resolved.appOrigins);
  const kept = new Map<string, DeveloperTokenCache>();
  const others = new Map<string, DeveloperTokenCache>();
  return (origin) => {
    const found = kept.get(origin) ?? others.get(origin);
    if (found !== undefined) return found;
    const cache = cacheFor(origin);
    if (listed.has(origin)) {
      kept.set(origin, cache);
      return cache;
    }
    if (others.size >= MAX_OTHER_ORIGINS) {
      const oldest = others.keys().next();
      if (!oldest.done) others.delete(oldest.value);
    }
    others.set(origin, cache);
    return cache;
  };
}
