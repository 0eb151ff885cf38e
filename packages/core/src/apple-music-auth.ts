import { type AppleMusicClient, createAppleMusicClient, type Storefront } from './apple-client.js';
import { renderBridgePage } from './bridge/render-bridge-page.js';
import { authorizationErrorFor, parseCallback } from './callback.js';
import { createDeveloperTokenCache, type DeveloperTokenCache } from './developer-token-cache.js';
import type { RenderedPage } from './error-page.js';
import { type AppleMusicAuthOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { normalizeReturnTo } from './return-to.js';
import {
  createCookieStateStore,
  createSessionStateStore,
  type SessionAccess,
  type StateStore,
} from './state-store.js';
import {
  createWebHandlers,
  type HandleCallbackOptions,
  type HandleLoginOptions,
} from './web-handlers.js';

/** What a successful login hands the app. */
export interface LoginResult {
  /**
   * The Music User Token for `api.music.apple.com/v1/me/...`. It is not a
   * stable user id: Apple issues a new one on every authorization.
   */
  musicUserToken: string;
  /** A developer token for the server's own calls (no `origin` claim). */
  developerToken: string;
  /** True when the account has parental content restrictions. */
  restricted: boolean;
  /** The account's storefront, or `undefined` when `verifyUserToken` is off. */
  storefront: Storefront | undefined;
  /** The same-site path the login asked to return to, if any. */
  returnTo: string | undefined;
}

/** The parts of a login-page request that `startLogin` needs. */
export interface StartLoginInput {
  /** A same-site path to come back to after login, e.g. from `?returnTo=`. */
  returnTo?: string | null;
  /** The request's `Cookie` header. */
  cookieHeader?: string | null;
  /** The framework's session, for `stateStore: 'session'`. */
  session?: SessionAccess;
}

/** The login page: write status, headers, body, and each cookie as its own `Set-Cookie`. */
export interface LoginPage extends RenderedPage {
  cookies: string[];
}

/** The parts of a callback request that `finishLogin` needs. */
export interface FinishLoginInput {
  /** The request body: form text, JSON text, `URLSearchParams` or a parsed object. */
  body: string | URLSearchParams | Readonly<Record<string, unknown>>;
  /** The request's `Content-Type` header. */
  contentType?: string | null;
  /** The request's `Cookie` header. */
  cookieHeader?: string | null;
  /** The framework's session, for `stateStore: 'session'`. */
  session?: SessionAccess;
}

/** What `createAppleMusicAuth` returns: the whole login flow and Apple calls. */
export interface AppleMusicAuth {
  /** A developer token for server-side calls, renewed before it expires. */
  getDeveloperToken(): Promise<string>;
  /** Builds the bridge page and the state cookie for a login. */
  startLogin(input?: StartLoginInput): Promise<LoginPage>;
  /** Checks the callback and returns the login's result, or throws a typed error. */
  finishLogin(input: FinishLoginInput): Promise<LoginResult>;
  /**
   * `Set-Cookie` values that clear the state cookie. Send them with every
   * callback response, success or failure, so a state is used once.
   */
  readonly clearStateCookies: readonly string[];
  /** The login route on web-standard objects (`?returnTo=` is honoured). */
  handleLogin(request: Request, options?: HandleLoginOptions): Promise<Response>;
  /** The callback route on web-standard objects; `onSuccess` decides the answer. */
  handleCallback(request: Request, options?: HandleCallbackOptions): Promise<Response>;
  /** Calls the Apple Music API with both tokens; 403 means: ask the user to sign in again. */
  fetchAppleMusic<T = unknown>(
    path: string,
    options?: Parameters<AppleMusicClient['fetch']>[1],
  ): Promise<T>;
  /** Closes the connection pool to Apple. */
  close(): Promise<void>;
}

/**
 * Creates the Apple Music login flow. Every option is validated here, once:
 * a bad one throws `ERR_INVALID_OPTIONS` (a wrong `privateKey`
 * `ERR_INVALID_KEY`) at startup, never at the first login.
 */
export function createAppleMusicAuth(options: AppleMusicAuthOptions): AppleMusicAuth {
  const resolved = resolveOptions(options);
  const serverTokens = createTokenCache(resolved, []);
  const browserTokens =
    resolved.origins.length > 0 ? createTokenCache(resolved, resolved.origins) : serverTokens;
  const client = createAppleMusicClient({
    apiURL: resolved.apiURL,
    dispatcher: resolved.dispatcher,
    timeoutMs: resolved.timeoutMs,
    getDeveloperToken: () => serverTokens.getToken(),
  });
  const stateStore = createStateStore(resolved);
  const secure = resolved.callbackURL.protocol === 'https:';

  const auth: Omit<AppleMusicAuth, 'handleLogin' | 'handleCallback'> = {
    getDeveloperToken: () => serverTokens.getToken(),
    clearStateCookies: stateStore.clearCookies,

    async startLogin(input = {}) {
      const returnTo =
        input.returnTo === undefined || input.returnTo === null || input.returnTo === ''
          ? undefined
          : normalizeReturnTo(input.returnTo);
      const issued = await stateStore.issue(
        { cookieHeader: input.cookieHeader, session: input.session, secure },
        { returnTo },
      );
      const page = renderBridgePage({
        appName: resolved.appName,
        appIconURL: resolved.appIconURL,
        appBuild: resolved.appBuild,
        developerToken: await browserTokens.getToken(),
        state: issued.state,
        callbackURL: resolved.callbackURL.href,
        authorizeURL: resolved.authorizeURL,
        ui: resolved.ui,
        musicKitScriptURL: resolved.musicKitScriptURL,
        apiURL: resolved.apiURL,
        teamId: resolved.teamId,
      });
      return {
        status: page.status,
        headers: page.headers,
        body: page.body,
        cookies: issued.setCookies,
      };
    },

    async finishLogin(input) {
      const payload = parseCallback(input.body, { contentType: input.contentType });
      const { returnTo } = await stateStore.consume(
        { cookieHeader: input.cookieHeader, session: input.session, secure },
        payload.state,
      );
      if (payload.type === 'error') throw authorizationErrorFor(payload.error);
      const storefront = resolved.verifyUserToken
        ? await client.verifyMusicUserToken(payload.musicUserToken)
        : undefined;
      return {
        musicUserToken: payload.musicUserToken,
        developerToken: await serverTokens.getToken(),
        restricted: payload.restricted,
        storefront,
        returnTo,
      };
    },

    fetchAppleMusic: (path, fetchOptions) => client.fetch(path, fetchOptions),
    close: () => client.close(),
  };
  return { ...auth, ...createWebHandlers(auth) };
}

function createTokenCache(
  resolved: ResolvedOptions,
  origins: readonly string[],
): DeveloperTokenCache {
  return createDeveloperTokenCache({
    teamId: resolved.teamId,
    keyId: resolved.keyId,
    privateKey: resolved.privateKey,
    expiresIn: resolved.expiresIn,
    origins: [...origins],
    now: resolved.now,
    renewBefore: resolved.renewBefore,
  });
}

function createStateStore(resolved: ResolvedOptions): StateStore {
  if (resolved.stateStore === 'session') {
    return createSessionStateStore({ maxAgeSeconds: resolved.stateMaxAge, now: resolved.now });
  }
  return createCookieStateStore({
    secret: resolved.stateSecret ?? [],
    cookiePath: resolved.callbackURL.pathname,
    maxAgeSeconds: resolved.stateMaxAge,
    now: resolved.now,
  });
}
