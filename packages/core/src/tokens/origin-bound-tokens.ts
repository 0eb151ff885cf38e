import type { ResolvedOptions } from '../config/options.js';
import { createDeveloperTokenCache, type DeveloperTokenCache } from './developer-token-cache.js';

/** The longest life of the developer token a page sees: a day, plenty for a page used for minutes. */
export const BROWSER_TOKEN_LIFETIME_SECONDS = 86_400;

/** At most this many origins not listed in `appOrigins` (loopback ones in development) keep a browser token. */
export const MAX_OTHER_ORIGINS = 8;

/** One developer token cache for the given `origin` claim. */
export function tokenCache(
  resolved: ResolvedOptions,
  origins: readonly string[],
  expiresIn: number,
): DeveloperTokenCache {
  return createDeveloperTokenCache({
    teamId: resolved.teamId,
    keyId: resolved.keyId,
    privateKey: resolved.privateKey,
    expiresIn,
    origins: [...origins],
    now: resolved.now,
    renewBefore: resolved.renewBefore,
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
  resolved: ResolvedOptions,
): (origin: string) => DeveloperTokenCache {
  const expiresIn = Math.min(BROWSER_TOKEN_LIFETIME_SECONDS, resolved.expiresIn);
  if (!resolved.originClaim) {
    const shared = tokenCache(resolved, [], expiresIn);
    return () => shared;
  }
  const cacheFor = (origin: string) =>
    tokenCache(resolved, [origin, ...resolved.origins], expiresIn);
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
