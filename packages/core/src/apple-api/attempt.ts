import { AppleMusicAuthError } from '../errors.js';
import type { AttemptOutcome } from './attempt-outcome.js';
import type { ClientSettings } from './client-options.js';
import { closedClientError, notJSONError, timeoutError, tooLargeError } from './error-mapping.js';
import type { PreparedRequest } from './request.js';
import { parseRetryAfter } from './retry-after.js';
import { MAX_APPLE_RESPONSE_BYTES, ResponseTooLarge } from './transport.js';

/**
 * Sends one attempt through the client's transport, within `timeoutMs`.
 * Timeouts, a closed client and a non-JSON 2xx body throw at once; an
 * error answer or a network failure is returned for the retry policy to judge.
 * An aborted `signal` rejects with its reason.
 */
export async function sendOnce(
  settings: ClientSettings,
  request: PreparedRequest,
  headers: Record<string, string>,
  signal: AbortSignal | undefined,
): Promise<AttemptOutcome> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, settings.timeoutMs);
  const onAbort = () => controller.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const { status, text, retryAfter, sandboxReason } = await settings.transport.send({
      origin: settings.origin,
      path: request.requestPath,
      method: request.context.method,
      headers,
      body: request.body,
      signal: controller.signal,
    });
    if (status >= 200 && status < 300) return { ok: true, value: parseJSON(text, request) };
    const retryAfterMs = parseRetryAfter(retryAfter, Date.now());
    return { ok: false, status, text, retryAfterMs, sandboxReason };
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    if (error instanceof AppleMusicAuthError) throw error;
    if (error instanceof ResponseTooLarge) {
      throw tooLargeError(request.context, MAX_APPLE_RESPONSE_BYTES);
    }
    const kind = timedOut ? 'timeout' : settings.transport.failureKind(error);
    if (kind === 'timeout') {
      throw timeoutError(request.context, settings.timeoutMs, 'timeoutMs', error);
    }
    if (kind === 'connect-timeout') {
      throw timeoutError(request.context, settings.connectTimeoutMs, 'connectTimeoutMs', error);
    }
    if (kind === 'closed') throw closedClientError(error);
    return { ok: false, status: undefined, cause: error, reset: kind === 'reset' };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

function parseJSON(text: string, request: PreparedRequest): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw notJSONError(request.context, error);
  }
}
