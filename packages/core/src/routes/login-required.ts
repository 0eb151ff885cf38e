import { headerValue } from '../http/request-origin.js';
import { normalizeReturnTo } from '../http/return-to.js';
import type { FlowRequest, StepReply } from './login-steps.js';

/**
 * The answer for a request that needs Apple Music when the app holds no
 * usable Music User Token (none stored, or Apple answered 403 to it): a page
 * navigation (`GET`/`HEAD` accepting HTML) gets `303` to the login route with
 * `returnTo` set to where it was going; anything else (an API call) gets
 * `401` JSON `{ error: 'login_required', login }` naming that same URL.
 */
export function loginRequiredReply(request: FlowRequest, loginPath: string): StepReply {
  const target = new URL(request.url, 'https://request.invalid');
  let returnTo: string | undefined;
  try {
    returnTo = normalizeReturnTo(`${target.pathname}${target.search}`);
  } catch {
    returnTo = undefined;
  }
  const login =
    returnTo === undefined
      ? loginPath
      : `${loginPath}?${new URLSearchParams({ returnTo }).toString()}`;
  const method = request.method.toUpperCase();
  const navigation =
    (method === 'GET' || method === 'HEAD') &&
    (headerValue(request.headers, 'accept') ?? '').includes('text/html');
  if (navigation) {
    return {
      status: 303,
      headers: { location: login, 'cache-control': 'no-store' },
      setCookies: [],
      body: '',
    };
  }
  return {
    status: 401,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    setCookies: [],
    body: JSON.stringify({ error: 'login_required', login }),
  };
}
