import { type AppleMusicClient, createAppleMusicClient } from './apple-api/client.js';
import { type AppleMusicAuthOptions, resolveOptions } from './config/options.js';
import type { AppleMusicAuthError } from './errors.js';
import { createCallbackOriginWarning } from './http/callback-origin-warning.js';
import { type CallbackSettlement, settleCallback } from './routes/callback-settlement.js';
import { createDeveloperTokenStep } from './routes/developer-token-step.js';
import { createLoginFlow, type LoginFlow } from './routes/login-flow.js';
import { createLoginGuard, type LoginGuard, type LoginStorage } from './routes/login-guard.js';
import { loginRequiredReply } from './routes/login-required.js';
import {
  type CallbackOutcome,
  type CallbackRequest,
  createLoginSteps,
  type FlowRequest,
  type LoginRequest,
  type StepReply,
} from './routes/login-steps.js';
import { type RouteName, routeOf } from './routes/route-of.js';
import { createWebHandlers, type WebHandlers } from './routes/web-handlers.js';
import { createBrowserTokens, createTokenCaches } from './tokens/origin-bound-tokens.js';

export type {
  LoginPage,
  LoginResult,
  SettleLoginInput,
  StartLoginInput,
} from './routes/login-flow.js';

/** Where the routes live, as the options gave them: what adapters mount and link to. */
export interface AppleMusicAuthRoutes {
  /** The login route's path (the bridge page; failure pages link back to it). */
  loginPath: string;
  /** The callback route's path. */
  callbackPath: string;
  /** The developer-token route's path (`developerTokenPath`, default under the login path). */
  developerTokenPath: string;
  /** The absolute callback URL, or `undefined` when it is resolved per request. */
  callbackURL: string | undefined;
  /** The query parameter of the login route that names where to return: `returnTo`. */
  returnToParam: 'returnTo';
}

/**
 * What `createAppleMusicAuth` returns, grouped by use:
 * - **Steps, for adapters** (plain data in, `StepReply` out, never throwing
 *   for login outcomes): `routes`, `route`, `loginStep`, `callbackStep`,
 *   `settleCallback`, `developerTokenStep`, `loginRequiredStep`,
 *   `requireLogin`, `failureReply`.
 * - **Web-standard handlers, for apps on `Request`/`Response`**:
 *   `handleLogin`, `handleCallback`, `handleDeveloperToken`, `handleLoginRequired`.
 * - **After the login**: `getDeveloperToken`, `fetchAppleMusic`, `close`.
 */
export interface AppleMusicAuth extends WebHandlers {
  // Steps, for adapters.
  /** Where the routes live. */
  readonly routes: AppleMusicAuthRoutes;
  /**
   * Which route a request is for (`'login'`, `'callback'`,
   * `'developer-token'`), or `undefined`; a `POST` to a path the login and
   * the callback share is the callback.
   */
  route(request: { method: string; url: string }): RouteName | undefined;
  /**
   * The login route for any framework: never throws for login outcomes, and
   * answers with plain data (status, headers, body, `setCookies`). `GET
   * ?error=<code>` shows the failure page the callback redirects to.
   */
  loginStep(request: LoginRequest): Promise<StepReply>;
  /**
   * The callback route for any framework: the `LoginResult` or the typed
   * error, with the default answer (303 to `returnTo` or `/`; 303 to the
   * failure page). `setCookies` always clears the state cookie. Errors that
   * are not login outcomes (bugs) propagate.
   */
  callbackStep(request: CallbackRequest): Promise<CallbackOutcome>;
  /**
   * The one callback policy over a `callbackStep` outcome: `onSuccess` or
   * `onError` (the app's), else core's answer through `send`; a library error
   * thrown by `onSuccess` is answered as a failed login, other errors propagate.
   */
  settleCallback<Answer>(
    outcome: CallbackOutcome,
    request: FlowRequest,
    settlement: CallbackSettlement<Answer>,
  ): Promise<Answer>;
  /**
   * The developer-token route for MusicKit web apps: JSON `{ developerToken,
   * expiresAt }` with the browser's cached, origin-bound token, cache
   * headers, an ETag and CORS for the app's origins only.
   */
  developerTokenStep(request: FlowRequest): Promise<StepReply>;
  /**
   * For a route that needs Apple Music when the app holds no usable Music
   * User Token (none stored, or `ERR_USER_TOKEN_REJECTED`): 303 to the login
   * route with `returnTo` for page navigations, else 401 JSON naming it.
   */
  loginRequiredStep(request: FlowRequest): StepReply;
  /**
   * The one login guard over how the app stores the login: read the token;
   * none gives the login-required reply; Apple's 403 from the guarded route
   * clears it and gives that reply again. `flowRequest` converts the
   * adapter's request.
   */
  requireLogin<Req>(
    storage: LoginStorage<Req>,
    flowRequest: (request: Req) => FlowRequest,
  ): LoginGuard<Req>;
  /**
   * The default answer to a failed login, clearing the state cookie: a 303 to
   * the failure page, or that page itself for a code no callback ends with.
   */
  failureReply(error: AppleMusicAuthError, request: FlowRequest, returnTo?: string): StepReply;

  // After the login.
  /** A developer token for server-side calls, renewed before it expires. */
  getDeveloperToken(): Promise<string>;
  /** Calls the Apple Music API with both tokens; 403 means: ask the user to sign in again. */
  fetchAppleMusic<T = unknown>(
    path: string,
    options?: Parameters<AppleMusicClient['fetch']>[1],
  ): Promise<T>;
  /** Closes the connection pool to Apple. */
  close(): Promise<void>;
}

/**
 * Creates the Apple Music login. Every option is validated here, once:
 * a bad one throws `ERR_INVALID_OPTIONS` (a wrong `privateKey`
 * `ERR_INVALID_KEY`) at startup, never at the first login.
 */
export function createAppleMusicAuth(options: AppleMusicAuthOptions): AppleMusicAuth {
  return buildAppleMusicAuth(options).auth;
}

/**
 * `createAppleMusicAuth` with the login flow under its steps, which core's
 * own tests drive directly (`startLogin`, `settleLogin`).
 */
export function buildAppleMusicAuth(options: AppleMusicAuthOptions): {
  auth: AppleMusicAuth;
  flow: LoginFlow;
} {
  const resolved = resolveOptions(options);
  const tokenCaches = createTokenCaches(resolved);
  const serverTokens = tokenCaches([], resolved.expiresIn);
  const browserTokens = createBrowserTokens(resolved, tokenCaches);
  const client = createAppleMusicClient({
    apiURL: resolved.apiURL,
    dispatcher: resolved.dispatcher,
    timeoutMs: resolved.timeoutMs,
    getDeveloperToken: () => serverTokens.getToken(),
  });
  if (resolved.sandboxWarning !== undefined) console.warn(resolved.sandboxWarning);
  const flow = createLoginFlow(resolved, { serverTokens, browserTokens, client });
  const { requestOrigin } = flow;
  const steps = createLoginSteps(flow);
  const warnOnOtherOrigin =
    resolved.callbackURL === undefined
      ? undefined
      : createCallbackOriginWarning({
          callbackURL: resolved.callbackURL,
          trustProxy: resolved.trustProxy,
        });
  const developerTokenStep = createDeveloperTokenStep({
    appOrigin: (request) => requestOrigin(request) ?? (resolved.callbackURL as URL).origin,
    browserToken: browserTokens,
    origins: resolved.origins,
    now: resolved.now,
  });
  const routes: AppleMusicAuthRoutes = {
    loginPath: resolved.loginPath,
    callbackPath: resolved.callbackPath,
    developerTokenPath: resolved.developerTokenPath,
    callbackURL: resolved.callbackURL?.href,
    returnToParam: 'returnTo',
  };
  const loginRequiredStep = (request: FlowRequest) =>
    loginRequiredReply(request, resolved.loginPath);
  const auth: Omit<
    AppleMusicAuth,
    'handleLogin' | 'handleCallback' | 'handleDeveloperToken' | 'handleLoginRequired'
  > = {
    routes,
    route: (request) => routeOf(routes, request),
    ...steps,
    loginStep(request) {
      warnOnOtherOrigin?.(request);
      return steps.loginStep(request);
    },
    settleCallback: (outcome, request, settlement) =>
      settleCallback(outcome, request, settlement, steps.failureReply),
    developerTokenStep,
    loginRequiredStep,
    requireLogin: (storage, flowRequest) =>
      createLoginGuard(storage, flowRequest, loginRequiredStep),
    getDeveloperToken: () => serverTokens.getToken(),
    fetchAppleMusic: (path, fetchOptions) => client.fetch(path, fetchOptions),
    close: () => client.close(),
  };
  return { auth: { ...auth, ...createWebHandlers(auth) }, flow };
}
