import type { AppleMusicClient, Storefront } from '../apple-api/client.js';
import type { AppleMusicAuthEvent, ResolvedOptions } from '../config/options.js';
import { type AppleMusicAuthError, invalidOptions, isAppleMusicAuthError } from '../errors.js';
import { createOriginResolver, type OriginSource } from '../http/request-origin.js';
import { normalizeReturnTo } from '../http/return-to.js';
import { type BridgePageTemplate, compileBridgePage } from '../pages/bridge-page-template.js';
import { authorizationErrorFor, parseCallback } from '../protocol/callback-payload.js';
import {
  createCookieStateStore,
  createSessionStateStore,
  type SessionAccess,
  type StateStore,
  type StateStoreRequest,
} from '../state/state-store.js';
import type { DeveloperTokenCache } from '../tokens/developer-token-cache.js';
import { MAX_OTHER_ORIGINS } from '../tokens/origin-bound-tokens.js';

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

/** The parts of a login-page request that the login flow's `startLogin` needs. */
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

/** The parts of a callback request that the login flow's `settleLogin` needs. */
export interface SettleLoginInput {
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

/** The login flow under the steps: start a login, settle a callback, clear the state cookie. */
export interface LoginFlow {
  resolved: ResolvedOptions;
  /**
   * The app's origin a request was made to with a path `callbackURL` (one of
   * `appOrigins`, else it throws `ERR_ORIGIN_NOT_ALLOWED`); `undefined` with an
   * absolute one.
   */
  requestOrigin(request: OriginSource): string | undefined;
  startLogin(input?: StartLoginInput): Promise<LoginPage>;
  /** Checks the callback: the result, or this library's error (never thrown), with the state's `returnTo`. */
  settleLogin(
    input: SettleLoginInput,
  ): Promise<
    | { result: LoginResult; error: undefined; returnTo: string | undefined }
    | { result: undefined; error: AppleMusicAuthError; returnTo: string | undefined }
  >;
  /** `Set-Cookie` values that clear the state cookie for a request to `origin`. */
  clearingSetCookies(origin: string | undefined): string[];
}

/** What the flow signs and calls with: the server's tokens, the browser's per origin, Apple's API. */
export interface LoginFlowParts {
  serverTokens: DeveloperTokenCache;
  browserTokens: (origin: string) => DeveloperTokenCache;
  client: Pick<AppleMusicClient, 'verifyMusicUserToken'>;
}

/**
 * The login flow under the steps, from resolved options: the state store,
 * the request's origin, the bridge page kept ready per origin and mode, and
 * the callback's checks (state, payload, Apple's verdict on the token).
 */
export function createLoginFlow(
  resolved: ResolvedOptions,
  { serverTokens, browserTokens, client }: LoginFlowParts,
): LoginFlow {
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

  /** The origin a request was made to: the absolute callback URL's, else the caller's, if it is one of the app's. */
  const originOf = (given: string | undefined): string => {
    if (resolved.callbackURL !== undefined) return resolved.callbackURL.origin;
    if (given === undefined) {
      throw invalidOptions(
        'origin',
        'callbackURL is a path, so the login and callback steps need the origin the request was made to (e.g. "https://app.example").',
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

  return {
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
