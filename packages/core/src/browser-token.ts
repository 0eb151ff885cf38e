import { createDeveloperTokenCache, type DeveloperTokenCache } from './developer-token-cache.js';
import type { ResolvedOptions } from './options.js';

/** The longest life of the developer token a page sees: a day, plenty for a page used for minutes. */
export const BROWSER_TOKEN_LIFETIME_SECONDS = 86_400;

/** At most this many origins keep a browser token when `callbackURL` is a path. */
const MAX_ORIGINS = 8;

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
 * the app's origin plus `developerToken.origins`. With an absolute
 * `callbackURL` there is one; with a path, one per request origin (a few,
 * the oldest dropped first). Each is cached and renewed, never signed per request.
 */
export function createBrowserTokens(
  resolved: ResolvedOptions,
): (origin: string) => DeveloperTokenCache {
  const expiresIn = Math.min(BROWSER_TOKEN_LIFETIME_SECONDS, resolved.expiresIn);
  if (!resolved.originClaim) {
    const shared = tokenCache(resolved, [], expiresIn);
    return () => shared;
  }
  const caches = new Map<string, DeveloperTokenCache>();
  return (origin) => {
    let cache = caches.get(origin);
    if (cache === undefined) {
      if (caches.size >= MAX_ORIGINS) {
        const oldest = caches.keys().next();
        if (!oldest.done) caches.delete(oldest.value);
      }
      cache = tokenCache(resolved, [origin, ...resolved.origins], expiresIn);
      caches.set(origin, cache);
    }
    return cache;
  };
}
