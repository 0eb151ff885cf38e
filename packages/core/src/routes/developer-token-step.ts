import { isAppleMusicAuthError } from '../errors.js';
import { headerValue } from '../http/request-origin.js';
import type { DeveloperTokenCache } from '../tokens/developer-token-cache.js';
import type { FlowRequest, StepReply } from './login-steps.js';

/** What the developer-token route needs from the flow. */
export interface DeveloperTokenStepDeps {
  /** The app's origin for this request (the callback's, or with a path callbackURL the request's, if listed). */
  appOrigin(request: FlowRequest): string;
  /** The browser's token cache for that origin: the same one the bridge page embeds. */
  browserToken(appOrigin: string): DeveloperTokenCache;
  /** More origins that may read the token cross-origin (`developerToken.origins`). */
  origins: readonly string[];
  /** The clock, in milliseconds since the epoch. */
  now(): number;
}

const ALLOW = 'GET, HEAD, OPTIONS';

/**
 * The developer-token route for MusicKit web apps: `GET` answers JSON
 * `{ developerToken, expiresAt }` with the browser's cached token (never
 * signed per request), `Cache-Control: private, max-age` up to when the cache
 * renews it, an `ETag` (`304` on `If-None-Match`), and CORS headers only for
 * the app's origin and `developerToken.origins` (preflight included). `HEAD`
 * too; other methods get 405.
 */
export function createDeveloperTokenStep(
  deps: DeveloperTokenStepDeps,
): (request: FlowRequest) => Promise<StepReply> {
  return async (request) => {
    let appOrigin: string;
    try {
      appOrigin = deps.appOrigin(request);
    } catch (error) {
      if (!isAppleMusicAuthError(error)) throw error;
      return json(error.status, { error: error.code, message: error.message }, {});
    }
    const origin = headerValue(request.headers, 'origin');
    const cors: Record<string, string> =
      origin !== undefined && (origin === appOrigin || deps.origins.includes(origin))
        ? { 'access-control-allow-origin': origin }
        : {};
    const method = request.method.toUpperCase();
    if (method === 'OPTIONS') {
      const preflight =
        cors['access-control-allow-origin'] === undefined
          ? {}
          : {
              ...cors,
              'access-control-allow-methods': 'GET, HEAD',
              'access-control-allow-headers': 'if-none-match',
              'access-control-max-age': '600',
            };
      return { status: 204, headers: { ...preflight, vary: 'Origin' }, setCookies: [], body: '' };
    }
    if (method !== 'GET' && method !== 'HEAD') {
      return { status: 405, headers: { allow: ALLOW }, setCookies: [], body: '' };
    }
    const cache = deps.browserToken(appOrigin);
    const developerToken = await cache.getToken();
    const expiresAt = cache.expiresAt as number;
    const renewsAt = cache.renewsAt as number;
    const maxAge = Math.max(0, Math.floor((renewsAt - deps.now()) / 1000));
    const etag = `"${developerToken.slice(developerToken.lastIndexOf('.') + 1).slice(0, 32)}"`;
    const headers = {
      ...cors,
      'cache-control': `private, max-age=${maxAge}`,
      etag,
      vary: 'Origin',
      ...(cors['access-control-allow-origin'] ? { 'access-control-expose-headers': 'etag' } : {}),
    };
    if (matches(headerValue(request.headers, 'if-none-match'), etag)) {
      return { status: 304, headers, setCookies: [], body: '' };
    }
    const reply = json(200, { developerToken, expiresAt }, headers);
    return method === 'HEAD' ? { ...reply, body: '' } : reply;
  };
}

function json(status: number, value: unknown, headers: Record<string, string>): StepReply {
  return {
    status,
    headers: {
      ...headers,
      'content-type': 'application/json; charset=utf-8',
      'x-content-type-options': 'nosniff',
      ...(headers['cache-control'] ? {} : { 'cache-control': 'no-store' }),
    },
    setCookies: [],
    body: JSON.stringify(value),
  };
}

/** `If-None-Match`: `*`, or a list of (weak or strong) tags, one of which is `etag`. */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  return ifNoneMatch
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === '*' || tag === etag);
}
