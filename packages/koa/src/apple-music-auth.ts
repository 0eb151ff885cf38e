import {
  type AppleMusicAuth,
  AppleMusicAuthError,
  type AppleMusicAuthOptions,
  createAppleMusicAuth,
  type FlowRequest,
  type LoginResult,
  type StepReply,
  sessionFromObject,
} from '@apple-music-auth/core';
import {
  flowRequestFrom,
  type ParsedBody,
  readCallbackBody,
  readPrivateKeySync,
} from '@apple-music-auth/core/node';
import type { Context, DefaultContext, DefaultState, Middleware } from 'koa';
import {
  createRequireLogin,
  type MusicUserTokenState,
  type RequireLoginOptions,
} from './require-login.js';

/** Options of {@link appleMusicAuth}: core's options, a key file instead of the key, and Koa's own. */
export interface AppleMusicKoaOptions extends Omit<AppleMusicAuthOptions, 'privateKey'> {
  /** The `.p8` key text, a `CryptoKey`, a `KeyObject` or a JWK; or give `privateKeyPath`. */
  privateKey?: AppleMusicAuthOptions['privateKey'];
  /** The path of your `AuthKey_<KEYID>.p8`, read once when `appleMusicAuth` is called. */
  privateKeyPath?: string;
  /** Keep the login state in `ctx.session` (koa-session) instead of a cookie: `state.store: 'session'`. */
  session?: boolean;
  /**
   * Where `middleware()` serves the developer-token route. Default: the login
   * path + `/developer-token` (`/auth/apple-music/developer-token`).
   */
  developerTokenPath?: string;
  /** Throw the typed error on a failed login (your error middleware answers) instead of the failure page. */
  throwErrors?: boolean;
}

/** What `callback()` puts on `ctx.state` before it calls `next()`. */
export interface AppleMusicState {
  /** The login's result: the Music User Token, the storefront and where to return. */
  appleMusic: LoginResult;
}

/** The Koa middleware for one login setup, and its Apple Music calls. */
export interface AppleMusicKoa {
  /** Where the login, callback and developer-token routes live. */
  readonly routes: AppleMusicAuth['routes'] & { developerTokenPath: string };
  /** `GET` login route: the bridge page, or the failure page for `?error=<code>`. */
  login(): Middleware;
  /**
   * `POST` callback route: on success `ctx.state.appleMusic` is the
   * `LoginResult` and `next()` runs (a 303 to `returnTo` or `/` when nothing
   * downstream answered); on failure the failure page, or with `throwErrors`
   * the typed error, and `next()` is not called.
   */
  callback<StateT = DefaultState, ContextT = DefaultContext>(): Middleware<
    StateT & AppleMusicState,
    ContextT
  >;
  /**
   * The developer-token route for MusicKit in the page (mount it for `GET`,
   * `HEAD` and `OPTIONS`, e.g. `router.all(path, am.developerToken())`): JSON
   * `{ developerToken, expiresAt }`, cached, with an ETag and CORS for your origins.
   */
  developerToken(): Middleware;
  /**
   * The guard for routes that need Apple Music: with the token `read` returns,
   * `next()` runs and `ctx.state.musicUserToken` holds it; without one, a page
   * navigation goes to the login route with `returnTo` (303), an API call gets
   * 401 JSON `{ error: 'login_required', login }`. When downstream throws
   * `ERR_USER_TOKEN_REJECTED` (Apple's 403), `clear` runs and the same answer follows.
   */
  requireLogin<StateT = DefaultState, ContextT = DefaultContext>(
    options: RequireLoginOptions<Context & ContextT>,
  ): Middleware<StateT & MusicUserTokenState, ContextT>;
  /**
   * The login, callback and developer-token routes on their paths, for apps
   * without a router; other requests pass through, so downstream
   * `ctx.state.appleMusic` is set only after a successful callback.
   */
  middleware<StateT = DefaultState, ContextT = DefaultContext>(): Middleware<
    StateT & Partial<AppleMusicState>,
    ContextT
  >;
  /** A developer token for your own calls to Apple, renewed before it expires. */
  getDeveloperToken: AppleMusicAuth['getDeveloperToken'];
  /** Calls the Apple Music API with both tokens; `ERR_USER_TOKEN_REJECTED` means: sign in again. */
  fetchAppleMusic: AppleMusicAuth['fetchAppleMusic'];
  /** Closes the connection pool to Apple (on shutdown, in tests). */
  close(): Promise<void>;
}

/**
 * Creates the Koa middleware. Every option (the key file included) is
 * checked here, synchronously: a bad one throws `ERR_INVALID_OPTIONS` or
 * `ERR_INVALID_KEY` at startup, never at the first login.
 */
export function appleMusicAuth(options: AppleMusicKoaOptions): AppleMusicKoa {
  const {
    privateKeyPath,
    session = false,
    throwErrors = false,
    developerTokenPath: tokenPathOption,
    ...rest
  } = options ?? {};
  if (
    tokenPathOption !== undefined &&
    (typeof tokenPathOption !== 'string' || !/^\/(?!\/)/.test(tokenPathOption))
  ) {
    throw invalidOption('developerTokenPath', "expected a path starting with one '/'.");
  }
  checkBoolean('session', session);
  checkBoolean('throwErrors', throwErrors);
  if ((privateKeyPath === undefined) === (rest.privateKey === undefined)) {
    throw invalidOption('privateKey', 'give exactly one of `privateKey` and `privateKeyPath`.');
  }
  const store = rest.state?.store ?? rest.stateStore;
  if (session && store !== undefined && store !== 'session') {
    throw invalidOption(
      'session',
      '`session: true` keeps the state in ctx.session: drop `state.store`.',
    );
  }
  const auth = createAppleMusicAuth({
    ...rest,
    privateKey: privateKeyPath === undefined ? rest.privateKey : readPrivateKeySync(privateKeyPath),
    ...(session ? { state: { ...rest.state, store: 'session' } } : {}),
  } as AppleMusicAuthOptions);
  const developerTokenPath =
    tokenPathOption ?? `${auth.routes.loginPath.replace(/\/$/, '')}/developer-token`;
  const usesSession = session || (store !== undefined && store !== 'cookie');

  const flowRequest = (ctx: Context): FlowRequest => {
    const { session } = ctx as { session?: { regenerate?: () => Promise<void> } | null };
    const regenerate = session?.regenerate;
    return flowRequestFrom(ctx.req, {
      url: ctx.url,
      session: usesSession
        ? sessionFromObject(
            session,
            typeof regenerate === 'function' ? () => regenerate.call(session) : undefined,
          )
        : undefined,
    });
  };

  const login = (): Middleware => async (ctx) => {
    send(ctx, await auth.loginStep(flowRequest(ctx)));
  };

  const callback = (): Middleware<AppleMusicState> => async (ctx, next) => {
    const outcome = await auth.callbackStep({
      ...flowRequest(ctx),
      body: () => readCallbackBody(ctx.req, ctx.request as ParsedBody),
    });
    if (outcome.error !== undefined && !throwErrors) return send(ctx, outcome);
    appendCookies(ctx, outcome.setCookies);
    // A thrown error's `headers` carry the same cookies through Koa's ctx.onerror.
    if (outcome.error !== undefined) throw outcome.error;
    ctx.state.appleMusic = outcome.result;
    await next();
    if (ctx.body === undefined && ctx.status === 404) send(ctx, { ...outcome, setCookies: [] });
  };

  const developerToken = (): Middleware => async (ctx) => {
    send(ctx, await auth.developerTokenStep(flowRequest(ctx)));
  };

  const requireLogin = (guard: RequireLoginOptions) =>
    createRequireLogin(guard, (ctx) => send(ctx, auth.loginRequiredStep(flowRequest(ctx))));

  const middleware = (): Middleware<AppleMusicState> => {
    const loginRoute = login();
    const callbackRoute = callback();
    const tokenRoute = developerToken();
    const { loginPath, callbackPath } = auth.routes;
    return (ctx, next) => {
      if (ctx.path === developerTokenPath) return tokenRoute(ctx, next);
      const isCallback =
        ctx.path === callbackPath && (ctx.method === 'POST' || callbackPath !== loginPath);
      if (isCallback) return callbackRoute(ctx, next);
      if (ctx.path === loginPath) return loginRoute(ctx, next);
      return next();
    };
  };

  return {
    routes: { ...auth.routes, developerTokenPath },
    login,
    callback,
    developerToken,
    requireLogin,
    middleware,
    getDeveloperToken: auth.getDeveloperToken,
    fetchAppleMusic: auth.fetchAppleMusic,
    close: auth.close,
  } as AppleMusicKoa;
}

/** Writes core's answer: body first, so that Koa keeps the status and the content type given. */
function send(ctx: Context, reply: StepReply): void {
  ctx.body = reply.body;
  ctx.status = reply.status;
  ctx.set(reply.headers);
  appendCookies(ctx, reply.setCookies);
}

function appendCookies(ctx: Context, setCookies: string[]): void {
  if (setCookies.length > 0) ctx.append('set-cookie', setCookies);
}

function checkBoolean(field: string, value: unknown): void {
  if (typeof value !== 'boolean') throw invalidOption(field, 'expected true or false.');
}

function invalidOption(field: string, message: string): AppleMusicAuthError {
  return new AppleMusicAuthError('ERR_INVALID_OPTIONS', `Invalid option \`${field}\`: ${message}`);
}
