import {
  AppleMusicAuthError,
  type AppleMusicAuthErrorCode,
  defaultStatusByCode,
  isAppleMusicAuthError,
} from '../errors.js';
import { headerValue, type OriginSource } from '../http/request-origin.js';
import { normalizeReturnTo } from '../http/return-to.js';
import { renderErrorPage } from '../pages/failure-page.js';
import type { SessionAccess } from '../state/state-store.js';
import type { LoginFlow, LoginResult } from './login-flow.js';

/** One request as the steps need it, from any framework. */
export interface FlowRequest extends OriginSource {
  /** The HTTP method. */
  method: string;
  /** The framework's session, for `state.store: 'session'`. */
  session?: SessionAccess | undefined;
}

/**
 * A login-route request; `ui` overrides the `ui` option for this login.
 *
 * @inline
 */
export interface LoginRequest extends FlowRequest {
  ui?: 'popup' | 'musickit' | undefined;
}

/** A callback body as frameworks hold it; `undefined` when there is none. */
export type CallbackBody = string | URLSearchParams | Readonly<Record<string, unknown>> | undefined;

/** A callback request: the body itself, or a function that reads it (its errors become outcomes). */
export interface CallbackRequest extends FlowRequest {
  body: CallbackBody | (() => Promise<CallbackBody>);
}

/** An answer as plain data: write the status, the headers, each `Set-Cookie` value, and the body. */
export interface StepReply {
  status: number;
  /** Response headers, lower-case names, without `set-cookie`. */
  headers: Record<string, string>;
  /** `Set-Cookie` values, one header each. */
  setCookies: string[];
  /** The body; empty for a redirect or a `HEAD`. */
  body: string;
}

/**
 * What the callback step settled: the `LoginResult` or the typed error, and
 * the default answer. `setCookies` clears the state cookie in both cases;
 * send it with whatever you answer instead.
 *
 * @inline
 */
export type CallbackOutcome = StepReply &
  ({ result: LoginResult; error: undefined } | { result: undefined; error: AppleMusicAuthError });

/** The query parameter that carries a failure's code to the failure page. */
const ERROR_PARAM = 'error';

/**
 * The codes a callback can end with: its 303 carries one of these to the
 * login route's failure page (`?error=<code>`). The login route shows the
 * failure page for these only, and the bridge page for any other value, so
 * that nobody can make it show a failure no callback gave (a configuration
 * error's 500 above all). A callback that ends with another code (an
 * `onSuccess` that throws one) gets its failure page at once, without the 303.
 */
const CALLBACK_FAILURE_CODES: ReadonlySet<string> = new Set<AppleMusicAuthErrorCode>([
  'ERR_STATE_MISSING',
  'ERR_STATE_MISMATCH',
  'ERR_STATE_EXPIRED',
  'ERR_STATE_MALFORMED',
  'ERR_STATE_REPLAYED',
  'ERR_CALLBACK_INVALID',
  'ERR_ACCESS_DENIED',
  'ERR_UNAVAILABLE',
  'ERR_CANCELLED',
  'ERR_POPUP_BLOCKED',
  'ERR_USER_TOKEN_REJECTED',
  'ERR_DEVELOPER_TOKEN_REJECTED',
  'ERR_RATE_LIMITED',
  'ERR_UPSTREAM',
  'ERR_TIMEOUT',
  'ERR_USED_STATES_FULL',
]);

const NO_STORE = 'no-store';

/**
 * The login and callback routes on plain data, shared by every adapter and
 * by the web-standard handlers, so the default answers live in one place.
 */
export function createLoginSteps(flow: LoginFlow): {
  loginStep(request: LoginRequest): Promise<StepReply>;
  callbackStep(request: CallbackRequest): Promise<CallbackOutcome>;
  failureReply(error: AppleMusicAuthError, request: FlowRequest, returnTo?: string): StepReply;
} {
  const { resolved } = flow;
  const originOf = (request: OriginSource): string | undefined => flow.requestOrigin(request);
  const loginURLFor = (returnTo: string | undefined, code?: AppleMusicAuthErrorCode): string => {
    const query = new URLSearchParams();
    if (code !== undefined) query.set(ERROR_PARAM, code);
    if (returnTo !== undefined) query.set('returnTo', returnTo);
    const search = query.toString();
    return search === '' ? resolved.loginPath : `${resolved.loginPath}?${search}`;
  };
  const failurePage = (
    error: Pick<AppleMusicAuthError, 'code' | 'status'>,
    returnTo: string | undefined,
  ): StepReply => {
    // A refused returnTo would be refused again: try again without it.
    const tryAgainURL = loginURLFor(error.code === 'ERR_INVALID_RETURN_TO' ? undefined : returnTo);
    return { ...renderErrorPage(error, { tryAgainURL }), setCookies: [] };
  };
  const clearing = (request: FlowRequest): string[] => {
    try {
      return flow.clearingSetCookies(originOf(request));
    } catch (error) {
      if (isAppleMusicAuthError(error)) return [];
      throw error;
    }
  };
  const failureReply = (
    error: AppleMusicAuthError,
    request: FlowRequest,
    returnTo?: string,
  ): StepReply => {
    const setCookies = clearing(request);
    error.headers = setCookies.length > 0 ? { 'set-cookie': setCookies } : {};
    if (!CALLBACK_FAILURE_CODES.has(error.code)) {
      const page = failurePage(
        { code: error.code, status: defaultStatusByCode[error.code] },
        returnTo,
      );
      return { ...page, setCookies };
    }
    return {
      status: 303,
      headers: { location: loginURLFor(returnTo, error.code), 'cache-control': NO_STORE },
      setCookies,
      body: '',
    };
  };

  return {
    async loginStep(request) {
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        return methodNotAllowed('GET, HEAD');
      }
      const reply = await loginReply(request);
      return request.method === 'HEAD' ? { ...reply, body: '' } : reply;
    },

    async callbackStep(request) {
      if (request.method !== 'POST') {
        const error = new AppleMusicAuthError(
          'ERR_CALLBACK_INVALID',
          'The callback route answers POST only: the bridge page posts the result there.',
          { status: 405 },
        );
        const setCookies = clearing(request);
        error.headers = {
          allow: 'POST',
          ...(setCookies.length > 0 ? { 'set-cookie': setCookies } : {}),
        };
        return {
          ...methodNotAllowed('POST'),
          setCookies,
          error,
          result: undefined,
        };
      }
      let settled: Awaited<ReturnType<LoginFlow['settleLogin']>>;
      try {
        const origin = originOf(request);
        const body = typeof request.body === 'function' ? await request.body() : request.body;
        settled = await flow.settleLogin({
          body,
          contentType: headerValue(request.headers, 'content-type'),
          cookieHeader: headerValue(request.headers, 'cookie'),
          session: request.session,
          origin,
        });
      } catch (error) {
        if (!isAppleMusicAuthError(error)) throw error;
        settled = { result: undefined, error, returnTo: undefined };
      }
      if (settled.error !== undefined) {
        return {
          ...failureReply(settled.error, request, settled.returnTo),
          result: undefined,
          error: settled.error,
        };
      }
      return {
        status: 303,
        headers: { location: settled.result.returnTo ?? '/', 'cache-control': NO_STORE },
        setCookies: clearing(request),
        body: '',
        result: settled.result,
        error: undefined,
      };
    },

    failureReply,
  };

  async function loginReply(request: LoginRequest): Promise<StepReply> {
    const query = queryOf(request.url);
    const shown = failureShown(query);
    if (shown !== undefined) return failurePage(shown.error, shown.returnTo);
    const returnTo = query.getAll('returnTo');
    try {
      const page = await flow.startLogin({
        returnTo: returnTo.length > 1 ? returnTo : returnTo[0],
        session: request.session,
        origin: originOf(request),
        ui: request.ui,
      });
      return page;
    } catch (error) {
      if (!isAppleMusicAuthError(error)) throw error;
      return failurePage(error, undefined);
    }
  }
}

/**
 * The failure the callback redirected to (`?error=<code>`), when the code is
 * one a callback can end with; its `returnTo` only when it is a same-site path.
 */
function failureShown(
  query: URLSearchParams,
):
  | { error: { code: AppleMusicAuthErrorCode; status: number }; returnTo: string | undefined }
  | undefined {
  const code = query.get(ERROR_PARAM);
  if (code === null || !CALLBACK_FAILURE_CODES.has(code)) return undefined;
  const known = code as AppleMusicAuthErrorCode;
  let returnTo: string | undefined;
  try {
    const value = query.get('returnTo');
    returnTo = value === null ? undefined : normalizeReturnTo(value);
  } catch {
    returnTo = undefined;
  }
  return { error: { code: known, status: defaultStatusByCode[known] }, returnTo };
}

/** The query of a request URL (a path or an absolute URL); empty when it has none. */
function queryOf(url: string): URLSearchParams {
  const start = url.indexOf('?');
  if (start === -1) return new URLSearchParams();
  const end = url.indexOf('#', start);
  return new URLSearchParams(url.slice(start + 1, end === -1 ? undefined : end));
}

function methodNotAllowed(allow: string): StepReply {
  return {
    status: 405,
    headers: { allow, 'content-type': 'text/plain; charset=utf-8' },
    setCookies: [],
    body: 'Method Not Allowed',
  };
}
