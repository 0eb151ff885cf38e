import { closedClientError } from './error-mapping.js';
import {
  type AppleTransport,
  isConnectionReset,
  readCappedText,
  SANDBOX_REASON_HEADER,
} from './transport.js';

/**
 * A transport over the web-standard `fetch`, for runtimes without undici
 * (Cloudflare Workers, Bun, Deno). The client's per-attempt timer bounds
 * the whole exchange, connecting included, so every failure is either a
 * dropped connection or an unreachable server. `fetch`'s generic "fetch failed"
 * is unwrapped to its cause, so a reset or a refused connection reads as
 * such in the error and the retry policy.
 */
export function createFetchTransport(): AppleTransport {
  let closed = false;
  return {
    async send(request) {
      if (closed) throw closedClientError(undefined);
      let response: Response;
      try {
        response = await fetch(`${request.origin}${request.path}`, {
          method: request.method,
          headers: request.headers,
          ...(request.body === undefined ? {} : { body: request.body }),
          signal: request.signal,
          redirect: 'manual',
        });
      } catch (error) {
        throw error instanceof TypeError && error.cause instanceof Error ? error.cause : error;
      }
      const text = await readCappedText(response.body, () => response.body?.cancel());
      return {
        status: response.status,
        text,
        retryAfter: response.headers.get('retry-after') ?? undefined,
        sandboxReason: response.headers.get(SANDBOX_REASON_HEADER) ?? undefined,
      };
    },
    failureKind(error) {
      return isConnectionReset(error) ? 'reset' : 'unreachable';
    },
    close() {
      closed = true;
      return Promise.resolve();
    },
  };
}
