import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { parseOriginOption } from '../http/http-url.js';
import { isTLSRequest, requestPath } from './flow-request.js';

/** How to turn a Node request into a web `Request`. */
export interface ToWebRequestOptions {
  /**
   * The origin the app is reached at, e.g. `https://app.example`. By default
   * it is read from the `Host` header (`localhost` when that is missing or
   * malformed), with `http:` (or `https:` on a TLS socket). Give it when the
   * app runs behind a proxy.
   */
  origin?: string;
}

/**
 * Turns a Node `IncomingMessage` into a web-standard `Request`, streaming the
 * body (nothing is buffered here; core reads it with a size limit).
 */
export function toWebRequest(req: IncomingMessage, options: ToWebRequestOptions = {}): Request {
  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] as string;
    if (name.startsWith(':')) continue;
    headers.append(name, req.rawHeaders[i + 1] as string);
  }
  const method = req.method ?? 'GET';
  const origin =
    options.origin === undefined ? defaultOrigin(req) : parseOriginOption('origin', options.origin);
  // Joined as text, so that neither `//evil.example/x` nor an absolute-form target changes the origin.
  const url = new URL(`${origin}${requestPath(req.url)}`);
  const hasBody = method !== 'GET' && method !== 'HEAD';
  const init: RequestInit & { duplex?: 'half' } = { method, headers };
  if (hasBody) {
    init.body = Readable.toWeb(req) as ReadableStream<Uint8Array>;
    init.duplex = 'half';
  }
  return new Request(url, init);
}

/**
 * Writes a web-standard `Response` to a Node `ServerResponse`: status,
 * headers (several `Set-Cookie` kept apart) and the streamed body.
 */
export async function sendWebResponse(res: ServerResponse, response: Response): Promise<void> {
  const cookies = response.headers.getSetCookie();
  res.statusCode = response.status;
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') res.setHeader(name, value);
  });
  if (cookies.length > 0) res.setHeader('set-cookie', cookies);
  if (response.body === null) {
    res.end();
    return;
  }
  await pipeline(Readable.fromWeb(response.body as NodeReadableStream), res);
}

/**
 * Adapts a web-standard handler to a `node:http` request listener. Errors
 * the handler throws become a bare 500, never a crash or a leaked message.
 * A bad `origin` option throws `ERR_INVALID_OPTIONS` here, not per request.
 */
export function toNodeListener(
  handler: (request: Request) => Response | Promise<Response>,
  options: ToWebRequestOptions = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  if (options.origin !== undefined) parseOriginOption('origin', options.origin);
  return (req, res) => {
    Promise.resolve()
      .then(() => handler(toWebRequest(req, options)))
      .then((response) => sendWebResponse(res, response))
      .catch(() => {
        if (res.headersSent) {
          res.destroy();
          return;
        }
        res.statusCode = 500;
        res.setHeader('content-type', 'text/plain; charset=utf-8');
        res.end('Internal Server Error');
      });
  };
}

function defaultOrigin(req: IncomingMessage): string {
  const scheme = isTLSRequest(req) ? 'https' : 'http';
  const host = req.headers.host ?? req.headers[':authority'];
  return typeof host === 'string' && isHostHeader(host) && URL.canParse(`${scheme}://${host}`)
    ? `${scheme}://${host}`
    : `${scheme}://localhost`;
}

function isHostHeader(value: string): boolean {
  return /^(?:\[[0-9a-fA-F:.]+\]|[a-zA-Z0-9.-]+)(?::\d{1,5})?$/.test(value);
}
