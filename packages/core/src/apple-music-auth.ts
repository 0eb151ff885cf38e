import {
  type AppleMusicClient,
  createAppleMusicClient,
  type Storefront,
} from './apple-api/client.js';
import {
  type AppleMusicAuthEvent,
  type AppleMusicAuthOptions,
  type ResolvedOptions,
  resolveOptions,
} from './config/options.js';
import { type AppleMusicAuthError, invalidOptions, isAppleMusicAuthError } from './errors.js';
import { createCallbackOriginWarning } from './http/callback-origin-warning.js';
import { createOriginResolver, type OriginSource } from './http/request-origin.js';
import { normalizeReturnTo } from './http/return-to.js';
import { type BridgePageTemplate, compileBridgePage } from './pages/bridge-page-template.js';
import { authorizationErrorFor, parseCallback } from './protocol/callback-payload.js';
import { createDeveloperTokenStep } from './routes/developer-token-step.js';
import { loginRequiredReply } from './routes/login-required.js';
import {
  type CallbackOutcome,
  type CallbackRequest,
  createLoginSteps,
  type FlowRequest,
  type LoginRequest,
  type StepReply,
} from './routes/login-steps.js';
import {
  createWebHandlers,
  type HandleCallbackOptions,
  type HandleLoginOptions,
} from './routes/web-handlers.js';
import {
  createCookieStateStore,
  createSessionStateStore,
  type SessionAccess,
  type StateStore,
  type StateStoreRequest,
} from './state/state-store.js';
import {
  createBrowserTokens,
  MAX_OTHER_ORIGINS,
  tokenCache,
} from './tokens/origin-bound-tokens.js';

/** What a successful login hands the app. */
export interface LoginResult {
  /**
   * The Music User Token for `api.music.apple.com/v1/me/...`. It is not a
   * stable user id: Apple issues a new one on every authorization.
   */
  musicUserToken: string;
  /** A developer token for the server's own calls (no `origin` claim). */
  developerToken: string;
  /** When `developerToken` expires, in milliseconds since the epoch. */
  developerTokenExpiresAt: number;
  /**
   * True when Apple's popup reported parental content restrictions. It comes
   * from the browser: advisory, not something to enforce parental controls on.
   */
  restricted: boolean;
  /** The account's storefront, or `undefined` when `verifyUserToken` is off. */
  storefront: Storefront | undefined;
  /** The same-site path the login asked to return to, if any. */
  returnTo: string | undefined;
}

/** The parts of a login-page request that `startLogin` needs. */
export interface StartLoginInput {
  /** A same-site path to come back to after login, e.g. from `?returnTo=`; any other shape is refused. */
  returnTo?: unknown;
  /**
   * The framework's session, for `state.store: 'session'`; a successful
   * login calls its `renewId` (session fixation) before it returns.
   */
  session?: SessionAccess | undefined;
  /**
   * The origin the request was made to; required when `callbackURL` is a
   * path, and then one of `appOrigins` (else `ERR_ORIGIN_NOT_ALLOWED`, 400).
   */
  origin?: string | undefined;
  /** This login's bridge mode, instead of the `ui` option (e.g. a Passport authenticate option). */
  ui?: 'popup' | 'musickit' | undefined;
}

/** The login page: write status, headers, body, and each `Set-Cookie` value as its own header. */
export interface LoginPage {
  status: number;
  headers: Record<string, string>;
  body: string;
  setCookies: string[];
}

/** The parts of a callback request that `finishLogin` needs. */
export interface FinishLoginInput {
  /** The request body: form text, JSON text, `URLSearchParams` or a parsed object. */
  body: string | URLSearchParams | Readonly<Record<string, unknown>> | undefined;
  /** The request's `Content-Type` header. */
  contentType?: string | null | undefined;
  /** The request's `Cookie` header. */
  cookieHeader?: string | null | undefined;
  /** The framework's session, for `state.store: 'session'`. */
  session?: SessionAccess | undefined;
  /**
   * The origin the request was made to; required when `callbackURL` is a
   * path, and then one of `appOrigins` (else `ERR_ORIGIN_NOT_ALLOWED`, 400).
   */
  origin?: string | undefined;
}

/** Where the routes live, as the options gave them: what adapters mount and link to. */
export interface AppleMusicAuthRoutes {
  /** The login route's path (the bridge page; failure pages link back to it). */
  loginPath: string;
  /** The callback route's path. */
  callbackPath: string;
  /** The absolute callback URL, or `undefined` when it is resolved per request. */
  callbackURL: string | undefined;
  /** The query parameter of the login route that names where to return: `returnTo`. */
  returnToParam: 'returnTo';
}

/** What `createAppleMusicAuth` returns: the whole login flow and Apple calls. */
export interface AppleMusicAuth {
  /** Where the routes live. */
  readonly routes: AppleMusicAuthRoutes;
  /** A developer token for server-side calls, renewed before it expires. */
  getDeveloperToken(): Promise<string>;
  /** Builds the bridge page and the state cookie for a login (throws typed errors). */
  startLogin(input?: StartLoginInput): Promise<LoginPage>;
  /** Checks the callback and returns the login's result, or throws a typed error. */
  finishLogin(input: FinishLoginInput): Promise<LoginResult>;
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
   * The default answer to a failed login, clearing the state cookie: a 303 to
   * the failure page, or that page itself for a code no callback ends with.
   */
  failureReply(error: AppleMusicAuthError, request: FlowRequest, returnTo?: string): StepReply;
  /** The login route on web-standard objects (`?returnTo=` is honoured). */
  handleLogin(request: Request, options?: HandleLoginOptions): Promise<Response>;
  /** The callback route on web-standard objects; `onSuccess` decides the answer. */
  handleCallback(request: Request, options?: HandleCallbackOptions): Promise<Response>;
  /** The developer-token route on web-standard objects. */
  handleDeveloperToken(request: Request): Promise<Response>;
  /** `loginRequiredStep` on web-standard objects: the answer of a guard that found no usable token. */
  handleLoginRequired(request: Request): Response;
  /** Calls the Apple Music API with both tokens; 403 means: ask the user to sign in again. */
  fetchAppleMusic<T = unknown>(
    path: string,
    options?: Parameters<AppleMusicClient['fetch']>[1],
  ): Promise<T>;
  /** Closes the connection pool to Apple. */
  close(): Promise<void>;
}

/** The two steps on plain data, plus what the adapter kit needs to settle a callback. */
export interface LoginFlow {
  resolved: ResolvedOptions;
  /**
   * The app's origin a request was made to with a path `callbackURL` (one of
   * `appOrigins`, else it throws `ERR_ORIGIN_NOT_ALLOWED`); `undefined` with an
   * absolute one.
   */
  requestOrigin(request: OriginSource): string | undefined;
  startLogin(input?: StartLoginInput): Promise<LoginPage>;
  /** Like `finishLogin`, but never throws this library's errors: it returns them with the state's `returnTo`. */
  settleLogin(
    input: FinishLoginInput,
  ): Promise<
    | { result: LoginResult; error: undefined; returnTo: string | undefined }
    | { result: undefined; error: AppleMusicAuthError; returnTo: string | undefined }
  >;
  /** `Set-Cookie` values that clear the state cookie for a request to `origin`. */
  clearingSetCookies(origin: string | undefined): string[];
}

/**
 * Creates the Apple Music login flow. Every option is validated here, once:
 * a bad one throws `ERR_INVALID_OPTIONS` (a wrong `privateKey`
 * `ERR_INVALID_KEY`) at startup, never at the first login.
 */
export function createAppleMusicAuth(options: AppleMusicAuthOptions): AppleMusicAuth {
  const resolved = resolveOptions(options);
  const serverTokens = tokenCache(resolved, [], resolved.expiresIn);
  const browserTokens = createBrowserTokens(resolved);
  const client = createAppleMusicClient({
    apiURL: resolved.apiURL,
    dispatcher: resolved.dispatcher,
    timeoutMs: resolved.timeoutMs,
    getDeveloperToken: () => serverTokens.getToken(),
  });
  const stateStore = createStateStore(resolved);
  /** Hands an event to `onEvent`; a listener that throws must not change the answer. */
  const emit = (event: AppleMusicAuthEvent): void => {
    try {
      resolved.onEvent?.(event);
    } catch {
      // The login's outcome stands whatever the listener does.
    }
  };
  /** Reports `error` to `onEvent` when it is a full used-state store's. */
  const noteIfFull = (error: unknown, route: AppleMusicAuthEvent['route']): void => {
    if (isAppleMusicAuthError(error) && error.code === 'ERR_USED_STATES_FULL') {
      emit({ type: 'used-states-full', route });
    }
  };
  const origins = createOriginResolver({
    appOrigins: resolved.appOrigins,
    trustProxy: resolved.trustProxy,
  });
  if (resolved.sandboxWarning !== undefined) console.warn(resolved.sandboxWarning);

  /** The origin a request was made to: the absolute callback URL's, else the caller's, if it is one of the app's. */
  const originOf = (given: string | undefined): string => {
    if (resolved.callbackURL !== undefined) return resolved.callbackURL.origin;
    if (given === undefined) {
      throw invalidOptions(
        'origin',
        'callbackURL is a path, so startLogin and finishLogin need the origin the request was made to (e.g. "https://app.example").',
      );
    }
    return origins.check(given);
  };
  const requestOrigin = (request: OriginSource): string | undefined =>
    resolved.callbackURL === undefined ? origins.ofRequest(request) : undefined;
  /** Bridge pages kept ready: both modes for every origin that keeps a browser token. */
  const maxTemplates = 2 * ((resolved.appOrigins?.length ?? 0) + MAX_OTHER_ORIGINS);
  const templates = new Map<string, BridgePageTemplate>();
  /** The bridge page for an origin and mode, rendered again only when its developer token is renewed. */
  const bridgePage = (
    origin: string,
    ui: 'popup' | 'musickit',
    developerToken: string,
  ): BridgePageTemplate => {
    const key = `${ui} ${origin}`;
    let template = templates.get(key);
    if (template?.developerToken !== developerToken) {
      if (templates.size >= maxTemplates) templates.clear();
      template = compileBridgePage({
        appName: resolved.appName ?? new URL(origin).host,
        appIconURL: resolved.appIconURL,
        appBuild: resolved.appBuild,
        developerToken,
        callbackURL: `${origin}${resolved.callbackPath}`,
        authorizeURL: resolved.authorizeURL,
        ui,
        musicKitScriptURL: resolved.musicKitScriptURL,
        apiURL: resolved.apiURL,
        teamId: resolved.teamId,
      });
      templates.set(key, template);
    }
    return template;
  };
  const storeRequest = (
    origin: string,
    input: { cookieHeader?: string | null | undefined; session?: SessionAccess | undefined },
  ): StateStoreRequest => ({
    cookieHeader: input.cookieHeader,
    session: input.session,
    secure: origin.startsWith('https:'),
  });

  const flow: LoginFlow = {
    resolved,
    requestOrigin,
    async startLogin(input = {}) {
      const returnTo =
        input.returnTo === undefined || input.returnTo === null || input.returnTo === ''
          ? undefined
          : normalizeReturnTo(input.returnTo);
      const origin = originOf(input.origin);
      const issued = await stateStore
        .issue(storeRequest(origin, input), { returnTo })
        .catch((error: unknown) => {
          noteIfFull(error, 'login');
          throw error;
        });
      const developerToken = await browserTokens(origin).getToken();
      const page = bridgePage(origin, input.ui ?? resolved.ui, developerToken).render(issued.state);
      return {
        status: page.status,
        headers: page.headers,
        body: page.body,
        setCookies: issued.setCookies,
      };
    },

    async settleLogin(input) {
      let returnTo: string | undefined;
      try {
        const origin = originOf(input.origin);
        const payload = parseCallback(input.body ?? '', { contentType: input.contentType });
        ({ returnTo } = await stateStore.consume(storeRequest(origin, input), payload.state));
        if (payload.type === 'error') throw authorizationErrorFor(payload.error);
        const storefront = resolved.verifyUserToken
          ? await client.verifyMusicUserToken(payload.musicUserToken)
          : undefined;
        const developerToken = await serverTokens.getToken();
        const result: LoginResult = {
          musicUserToken: payload.musicUserToken,
          developerToken,
          developerTokenExpiresAt: serverTokens.expiresAt as number,
          restricted: payload.restricted,
          storefront,
          returnTo,
        };
        // The login's session gets a new id before the app writes the result into it.
        if (resolved.state.store === 'session') {
          await input.session?.renewId?.();
        }
        return { result, error: undefined, returnTo };
      } catch (error) {
        if (!isAppleMusicAuthError(error)) throw error;
        noteIfFull(error, 'callback');
        return { result: undefined, error, returnTo };
      }
    },

    clearingSetCookies(origin) {
      const known = resolved.callbackURL?.origin ?? origin;
      if (known === undefined) return [];
      return stateStore.clearingSetCookies(storeRequest(known, {}));
    },
  };

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
  const auth: Omit<
    AppleMusicAuth,
    'handleLogin' | 'handleCallback' | 'handleDeveloperToken' | 'handleLoginRequired'
  > = {
    routes: {
      loginPath: resolved.loginPath,
      callbackPath: resolved.callbackPath,
      callbackURL: resolved.callbackURL?.href,
      returnToParam: 'returnTo',
    },
    getDeveloperToken: () => serverTokens.getToken(),
    startLogin: flow.startLogin,
    async finishLogin(input) {
      const settled = await flow.settleLogin(input);
      if (settled.error !== undefined) throw settled.error;
      return settled.result;
    },
    ...steps,
    loginStep(request) {
      warnOnOtherOrigin?.(request);
      return steps.loginStep(request);
    },
    developerTokenStep,
    loginRequiredStep: (request) => loginRequiredReply(request, resolved.loginPath),
    fetchAppleMusic: (path, fetchOptions) => client.fetch(path, fetchOptions),
    close: () => client.close(),
  };
  return { ...auth, ...createWebHandlers(auth) };
}

function createStateStore(resolved: ResolvedOptions): StateStore {
  const { state } = resolved;
  if (typeof state.store === 'object') return state.store;
  if (state.store === 'session') {
    return createSessionStateStore({
      key: state.sessionKey,
      maxAgeSeconds: state.maxAge,
      usedStates: state.usedStates,
      now: resolved.now,
    });
  }
  return createCookieStateStore({
    secret: state.secret ?? [],
    cookieName: state.cookieName,
    cookiePath: resolved.callbackPath,
    maxAgeSeconds: state.maxAge,
    usedStates: state.usedStates,
    now: resolved.now,
  });
}
