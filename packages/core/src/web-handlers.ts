import type { AppleMusicAuth, LoginResult } from './apple-music-auth.js';
import { MAX_CALLBACK_BODY_BYTES } from './callback.js';
import { type RenderedPage, renderErrorPage } from './error-page.js';
import { type AppleMusicAuthError, isAppleMusicAuthError } from './errors.js';
import { readBodyText } from './request-body.js';
import type { SessionAccess } from './state-store.js';

/** Per-request options of `handleLogin`. */
export interface HandleLoginOptions {
  /** The framework's session, for `stateStore: 'session'`. */
  session?: SessionAccess;
}

/** Per-request options of `handleCallback`: what it answers is the app's choice. */
export interface HandleCallbackOptions {
  /** The framework's session, for `stateStore: 'session'`. */
  session?: SessionAccess;
  /**
   * Called with the login's result; returns the response (store the token
   * in your session or database here). Default: `303` to `returnTo` or `/`.
   */
  onSuccess?: (result: LoginResult, request: Request) => Response | Promise<Response>;
  /**
   * Called with the typed error of a failed login, including one that
   * `onSuccess` throws (e.g. a `TokenError` from `fetchAppleMusic`). Default:
   * a small HTML page with the error's status and no internals. Errors that
   * are not this library's propagate: they are bugs, not login outcomes.
   */
  onError?: (error: AppleMusicAuthError, request: Request) => Response | Promise<Response>;
}

type FlowCore = Pick<AppleMusicAuth, 'startLogin' | 'finishLogin' | 'clearStateCookies'>;

/**
 * The login and callback routes on web-standard `Request`/`Response`, for
 * Node (through `@apple-music-auth/core/node`), Bun, Deno, Workers, Hono and
 * Next route handlers.
 */
export function createWebHandlers(
  flow: FlowCore,
): Pick<AppleMusicAuth, 'handleLogin' | 'handleCallback'> {
  return {
    async handleLogin(request, options = {}) {
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        return methodNotAllowed('GET, HEAD');
      }
      try {
        const page = await flow.startLogin({
          returnTo: new URL(request.url).searchParams.get('returnTo'),
          cookieHeader: request.headers.get('cookie'),
          session: options.session,
        });
        const headers = new Headers(page.headers);
        for (const cookie of page.cookies) headers.append('set-cookie', cookie);
        return new Response(request.method === 'HEAD' ? null : page.body, {
          status: page.status,
          headers,
        });
      } catch (error) {
        if (!isAppleMusicAuthError(error)) throw error;
        return pageResponse(renderErrorPage(error));
      }
    },

    async handleCallback(request, options = {}) {
      if (request.method !== 'POST') return methodNotAllowed('POST');
      const { onSuccess = redirectToReturnTo, onError, session } = options;
      let response: Response;
      try {
        const result = await flow.finishLogin({
          body: await readBodyText(request, MAX_CALLBACK_BODY_BYTES),
          contentType: request.headers.get('content-type'),
          cookieHeader: request.headers.get('cookie'),
          session,
        });
        response = await onSuccess(result, request);
      } catch (error) {
        if (!isAppleMusicAuthError(error)) throw error;
        response = onError ? await onError(error, request) : pageResponse(renderErrorPage(error));
      }
      return withCookies(response, flow.clearStateCookies);
    },
  };
}

function redirectToReturnTo(result: LoginResult): Response {
  return new Response(null, {
    status: 303,
    headers: { location: result.returnTo ?? '/', 'cache-control': 'no-store' },
  });
}

function pageResponse(page: RenderedPage): Response {
  return new Response(page.body, { status: page.status, headers: page.headers });
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

function methodNotAllowed(allow: string): Response {
  return new Response('Method Not Allowed', {
    status: 405,
    headers: { allow, 'content-type': 'text/plain; charset=utf-8' },
  });
}
