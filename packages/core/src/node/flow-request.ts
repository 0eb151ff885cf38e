import type { IncomingMessage } from 'node:http';
import type { FlowRequest } from '../routes/login-steps.js';
import type { SessionAccess } from '../state/state-store.js';

/** True when the request came over a TLS socket (`https.createServer`). */
export function isTLSRequest(req: IncomingMessage): boolean {
  return (req.socket as { encrypted?: boolean } | null | undefined)?.encrypted === true;
}

/**
 * One plain request for core's steps from a Node request: its method, the
 * URL as the framework routed it (`url`, default `req.url`, e.g. Express's
 * `req.originalUrl`) as a path (an absolute-form target such as
 * `GET https://evil.example/auth` keeps only its path and query: the `Host`
 * header names the origin), its headers, whether its socket is TLS, and the
 * session to use (session store).
 */
export function flowRequestFrom(
  req: IncomingMessage,
  options: { url?: string | undefined; session?: SessionAccess | undefined } = {},
): FlowRequest {
  return {
    method: req.method ?? 'GET',
    url: requestPath(options.url ?? req.url),
    headers: req.headers,
    encrypted: isTLSRequest(req),
    session: options.session,
  };
}

/**
 * The path and query of a request target. An absolute-form target
 * (`http://evil.example/x`) keeps only its path and query, so that it can
 * never choose the request's origin.
 */
export function requestPath(target: string | undefined): string {
  if (target === undefined) return '/';
  if (target.startsWith('/')) return target;
  if (/^https?:\/\//i.test(target) && URL.canParse(target)) {
    const url = new URL(target);
    return `${url.pathname}${url.search}`;
  }
  return '/';
}
