import {
  type AppleMusicAuth,
  type AppleMusicAuthOptions,
  createAppleMusicAuth,
  type FlowRequest,
  invalidOptions,
  type LoginResult,
  type LoginStorage,
  type StepReply,
  sessionFromObject,
} from '@apple-music-auth/core';
import { flowRequestFrom, type ParsedBody, readCallbackBody } from '@apple-music-auth/core/node';
import type { Context, DefaultContext, DefaultState, Middleware } from 'koa';

/** Options of {@link appleMusicAuth}: core's options as they are, plus Koa's own `throwErrors`. */
export interface AppleMusicKoaOptions extends AppleMusicAuthOptions {
  /** Throw the typed error on a failed login (your error middleware answers) instead of the failure page. */
  throwErrors?: boolean;
}

/** What `callback()` puts on `ctx.state` before it calls `next()`. */
export interface AppleMusicState {
  /** The login's result: the Music User Token, the storefront and where to return. */
  appleMusic: LoginResult;
}

/** What `requireLogin()` puts on `ctx.state` before it calls `next()`. */
export interface MusicUserTokenState {
  /** The Music User Token `read` returned, for the route's Apple Music calls. */
  musicUserToken: string;
}

/**
 * The Koa middleware for one login setup, and its Apple Music calls; `routes`
 * says where the login, callback and developer-token routes live.
 */
export interface AppleMusicKoa
  extends Pick<AppleMusicAuth, 'routes' | 'getDeveloperToken' | 'fetchAppleMusic' | 'close'> {
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
   * Core's login guard for routes that need Apple Music: with the token
   * `read` returns, `next()` runs and `ctx.state.musicUserToken` holds it;
   * without one, a page navigation goes to the login route with `returnTo`
   * (303), an API call gets 401 JSON `{ error: 'login_required', login }`.
   * When downstream throws `ERR_USER_TOKEN_REJECTED` (Apple's 403), `clear`
   * runs and the same answer follows.
   */
  requireLogin<StateT = DefaultState, ContextT = DefaultContext>(
    storage: LoginStorage<Context & ContextT>,
  ): Middleware<StateT & MusicUserTokenState, ContextT>;
  /**
   * The login, callback and developer-token routes on their paths (core's
   * `route(request)`), for apps without a router; other requests pass
   * through, so downstream `ctx.state.appleMusic` is set only after a
   * successful callback.
   */
  middleware<StateT = DefaultState, ContextT = DefaultContext>(): Middleware<
    StateT & Partial<AppleMusicState>,
    ContextT
  >;
}

/**
 * Creates the Koa middleware. Every option is checked here, by core,
 * synchronously: a bad one throws `ERR_INVALID_OPTIONS` or `ERR_INVALID_KEY`
 * at startup, never at the first login.
 */
export function appleMusicAuth(options: AppleMusicKoaOptions): AppleMusicKoa {
  const { throwErrors = false, ...coreOptions } = options ?? {};
  if (typeof throwErrors !== 'boolean')
    throw invalidOptions('throwErrors', 'must be true or false.');
  const auth = createAppleMusicAuth(coreOptions);

  const flowRequest = (ctx: Context): FlowRequest => {
    const { session } = ctx as { session?: { regenerate?: () => Promise<void> } | null };
    // koa-session's regenerate() gives a new id; a session without one has nothing to renew.
    // Stryker disable next-line OptionalChaining: core calls renewId only after a login kept in this session, so the session is there
    const renewId = () => session?.regenerate?.();
    return flowRequestFrom(ctx.req, { url: ctx.url, session: sessionFromObject(session, renewId) });
  };

  /** A route that answers with one of core's steps. */
  const stepRoute =
    (step: (request: FlowRequest) => Promise<StepReply>) => (): Middleware => async (ctx) =>
      send(ctx, await step(flowRequest(ctx)));
  const login = stepRoute(auth.loginStep);
  const developerToken = stepRoute(auth.developerTokenStep);

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

  const requireLogin = (storage: LoginStorage<Context>): Middleware<MusicUserTokenState> => {
    const guard = auth.requireLogin(storage, flowRequest);
    return async (ctx, next) => {
      const checked = await guard.check(ctx);
      if (checked.reply !== undefined) return send(ctx, checked.reply);
      ctx.state.musicUserToken = checked.musicUserToken;
      try {
        await next();
      } catch (error) {
        send(ctx, await guard.rejected(error, ctx));
      }
    };
  };

  const middleware = (): Middleware<AppleMusicState> => {
    const routes = { login: login(), callback: callback(), 'developer-token': developerToken() };
    return (ctx, next) => {
      const route = auth.route({ method: ctx.method, url: ctx.path });
      return route === undefined ? next() : routes[route](ctx, next);
    };
  };

  const { routes, getDeveloperToken, fetchAppleMusic, close } = auth;
  const calls = { routes, getDeveloperToken, fetchAppleMusic, close };
  return { ...calls, login, callback, developerToken, requireLogin, middleware } as AppleMusicKoa;
}

/** Writes core's answer: body first, so that Koa keeps the status and the content type given. */
function send(ctx: Context, reply: StepReply): void {
  ctx.body = reply.body;
  ctx.status = reply.status;
  ctx.set(reply.headers);
  appendCookies(ctx, reply.setCookies);
}

function appendCookies(ctx: Context, setCookies: string[]): void {
  // Stryker disable next-line ConditionalExpression,EqualityOperator: appending no cookie leaves the header as it was
  if (setCookies.length > 0) ctx.append('set-cookie', setCookies);
}
