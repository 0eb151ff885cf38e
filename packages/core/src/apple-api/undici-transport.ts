import type { Dispatcher } from 'undici';
import {
  type AppleTransport,
  errorCode,
  isConnectionReset,
  readCappedText,
  SANDBOX_REASON_HEADER,
  type TransportFailureKind,
} from './transport.js';

/**
 * A transport over an undici `Dispatcher` (the client's own keep-alive
 * `Agent`, or one the caller passed in), with undici's headers and body
 * timeouts set to `timeoutMs`. It only calls the dispatcher's own methods,
 * so this module loads no undici code itself.
 *
 * @param owned - Whether `close()` closes the dispatcher: only the client's own.
 */
export function createUndiciTransport(
  dispatcher: Dispatcher,
  timeoutMs: number,
  owned: boolean,
): AppleTransport {
  let closing: Promise<void> | undefined;
  return {
    async send(request) {
      const response = await dispatcher.request({
        origin: request.origin,
        path: request.path,
        method: request.method as Dispatcher.HttpMethod,
        headers: request.headers,
        body: request.body ?? null,
        signal: request.signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const text = await readCappedText(response.body, () => response.body.destroy());
      const sandboxReason = response.headers[SANDBOX_REASON_HEADER];
      return {
        status: response.statusCode,
        text,
        retryAfter: response.headers['retry-after'],
        sandboxReason: typeof sandboxReason === 'string' ? sandboxReason : undefined,
      };
    },
    failureKind: undiciFailureKind,
    close() {
      if (!owned) return Promise.resolve();
      closing ??= dispatcher.close();
      return closing;
    },
  };
}

/** What kind of failure an undici error is, from its code alone (no undici code is loaded). */
export function undiciFailureKind(error: unknown): TransportFailureKind {
  const code = errorCode(error);
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return 'timeout';
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return 'connect-timeout';
  if (code === 'UND_ERR_DESTROYED' || code === 'UND_ERR_CLOSED') return 'closed';
  return isConnectionReset(error) ? 'reset' : 'unreachable';
}
