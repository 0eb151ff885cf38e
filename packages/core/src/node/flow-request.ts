import type { IncomingMessage } from 'node:http';
import type { FlowRequest } from '../login-steps.js';
import type { SessionAccess } from '../state-store.js';

/** True when the request came over a TLS socket (`https.createServer`). */
export function isTLSRequest(req: IncomingMessage): boolean {
  return (req.socket as { encrypted?: boolean } | null | undefined)?.encrypted === true;
}

/**
 * One plain request for core's steps from a Node request: its method, the
 * URL as the framework routed it (`url`, default `req.url`, e.g. Express's
 * `req.originalUrl`), its headers, whether its socket is TLS, and the
 * session to use (session store).
 */
export function flowRequestFrom(
  req: IncomingMessage,
  options: { url?: string | undefined; session?: SessionAccess | undefined } = {},
): FlowRequest {
  return {
    method: req.method ?? 'GET',
    url: options.url ?? req.url ?? '/',
    headers: req.headers,
    encrypted: isTLSRequest(req),
    session: options.session,
  };
}
