import type { AppleMusicAuthError } from '../errors.js';
import { readBodyText } from '../http/request-body.js';
import { MAX_CALLBACK_BODY_BYTES } from '../protocol/callback-payload.js';
import type { SessionAccess } from '../state/state-store.js';
import type { CallbackSettlement } from './callback-settlement.js';
import type { LoginResult } from './login-flow.js';
import type {
  CallbackOutcome,
  CallbackRequest,
  FlowRequest,
  LoginRequest,
  StepReply,
} from './login-steps.js';

/**
 * Per-request options of `handleLogin`.
 *
 * @inline
 */
export interface HandleLoginOptions {
  /** The framework's session, for `state.store: 'session'`. */
  session?: SessionAccess;
}

/** Per-request options of `handleCallback`: what it answers is the app's choice. */
export interface HandleCallbackOptions {
  /** The framework's session, for `state.store: 'session'`. */
  session?: SessionAccess;
  /**
   * Called with the login's result; returns the response (store the token
   * in your session or database here). Default: `303` to `returnTo` or `/`.
   */
  onSuccess?: (result: LoginResult, request: Request) => Response | Promise<Response>;
  /**
   * Called with the typed error of a failed login, including one that
   * `onSuccess` throws (e.g. a `TokenError` from `fetchAppleMusic`). Default:
   * `303` to the failure page, which offers "Try again". Errors that are not
   * this library's propagate: they are bugs, not login outcomes.
   */
  onError?: (error: AppleMusicAuthError, request: Request) => Response | Promise<Response>;
}

/** The steps the handlers write as `Response`s. */
interface Steps {
  loginStep(request: LoginRequest): Promise<StepReply>;
  callbackStep(request: CallbackRequest): Promise<CallbackOutcome>;
  settleCallback<Answer>(
    outcome: CallbackOutcome,
    request: FlowRequest,
    settlement: CallbackSettlement<Answer>,
  ): Promise<Answer>;
  developerTokenStep(request: FlowRequest): Promise<StepReply>;
  loginRequiredStep(request: FlowRequest): StepReply;
}

/** The routes on web-standard `Request`/`Response`. */
export interface WebHandlers {
  /** The login route on web-standard objects (`?returnTo=` is honoured). */
  handleLogin(request: Request, options?: HandleLoginOptions): Promise<Response>;
  /** The callback route on web-standard objects; `onSuccess` decides the answer. */
  handleCallback(request: Request, options?: HandleCallbackOptions): Promise<Response>;
  /** The developer-token route on web-standard objects. */
  handleDeveloperToken(request: Request): Promise<Response>;
  /** `loginRequiredStep` on web-standard objects: the answer of a guard that found no usable token. */
  handleLoginRequired(request: Request): Response;
}

/**
 * The login and callback routes on web-standard `Request`/`Response`, for
 * Node (through `@apple-music-auth/core/node`), Bun, Deno, Workers, Hono and
 * Next route handlers: the steps, written as `Response`s.
 * Every callback answer, the app's own included, clears the state cookie.
 */
export function createWebHandlers(steps: Steps): WebHandlers {
  const flowRequest = (request: Request, session: SessionAccess | undefined): FlowRequest => ({
    method: request.method,
    url: request.url,
    headers: request.headers,
    session,
  });
  return {
    async handleLogin(request, options = {}) {
      return toResponse(await steps.loginStep(flowRequest(request, options.session)));
    },

    handleLoginRequired(request) {
      return toResponse(steps.loginRequiredStep(flowRequest(request, undefined)));
    },

    async handleDeveloperToken(request) {
      return toResponse(await steps.developerTokenStep(flowRequest(request, undefined)));
    },

    async handleCallback(request, options = {}) {
      const { onSuccess, onError, session } = options;
      const input = flowRequest(request, session);
      const outcome = await steps.callbackStep({
        ...input,
        body: () => readBodyText(request, MAX_CALLBACK_BODY_BYTES),
      });
      return steps.settleCallback(outcome, input, {
        send: toResponse,
        onSuccess:
          onSuccess &&
          (async (result) => withCookies(await onSuccess(result, request), outcome.setCookies)),
        onError:
          onError &&
          (async (error) => withCookies(await onError(error, request), outcome.setCookies)),
      });
    },
  };
}

/** Writes a step's plain answer as a web `Response`. */
export function toResponse(reply: StepReply): Response {
  const headers = new Headers(reply.headers);
  for (const cookie of reply.setCookies) headers.append('set-cookie', cookie);
  const body = reply.body === '' || reply.status === 304 ? null : reply.body;
  return new Response(body, { status: reply.status, headers });
}

function withCookies(response: Response, cookies: readonly string[]): Response {
  if (cookies.length === 0) return response;
  const headers = new Headers(response.headers);
  for (const cookie of cookies) headers.append('set-cookie', cookie);
  return new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}
