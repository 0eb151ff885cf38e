import type { ClientSettings } from './apple-client-options.js';
import {
  closedClientError,
  notJSONError,
  timeoutError,
  tooLargeError,
} from './apple-error-mapping.js';
import type { PreparedRequest } from './apple-request.js';
import { AppleMusicAuthError } from './errors.js';
import { parseRetryAfter } from './retry-after.js';

/** How one attempt ended: a parsed 2xx body, an error answer, or no answer at all. */
export type AttemptOutcome =
  | { ok: true; value: unknown }
  | { ok: false; status: number; text: string; retryAfterMs: number | undefined }
  | { ok: false; status: undefined; cause: unknown };

/** An attempt that did not succeed: an error answer (with its body) or a network failure. */
export type Failure = Extract<AttemptOutcome, { ok: false }>;

/**
 * Sends one attempt and reads the whole body, so the socket goes back to the
 * pool. Timeouts, a closed client and a non-JSON 2xx body throw at once; an
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
    const response = await settings.dispatcher.request({
      origin: settings.origin,
      path: request.requestPath,
      method: request.context.method,
      headers,
      body: request.body ?? null,
      signal: controller.signal,
      headersTimeout: settings.timeoutMs,
      bodyTimeout: settings.timeoutMs,
    });
    const text = await readCapped(response.body, request);
    const status = response.statusCode;
    if (status >= 200 && status < 300) return { ok: true, value: parseJSON(text, request) };
    return {
      ok: false,
      status,
      text,
      retryAfterMs: parseRetryAfter(response.headers['retry-after'], Date.now()),
    };
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    if (error instanceof AppleMusicAuthError) throw error;
    const code = errorCode(error);
    if (timedOut || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
      throw timeoutError(request.context, settings.timeoutMs, 'timeoutMs', error);
    }
    if (code === 'UND_ERR_CONNECT_TIMEOUT') {
      throw timeoutError(request.context, settings.connectTimeoutMs, 'connectTimeoutMs', error);
    }
    if (code === 'UND_ERR_DESTROYED' || code === 'UND_ERR_CLOSED') throw closedClientError(error);
    return { ok: false, status: undefined, cause: error };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

/** The longest Apple answer read, in bytes: pages of the API are far smaller. */
export const MAX_APPLE_RESPONSE_BYTES = 4 * 1024 * 1024;

/** Reads a body as UTF-8 text, cutting it off past {@link MAX_APPLE_RESPONSE_BYTES}. */
async function readCapped(
  body: AsyncIterable<Uint8Array> & { destroy(): unknown },
  request: PreparedRequest,
): Promise<string> {
  const decoder = new TextDecoder();
  let size = 0;
  let text = '';
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > MAX_APPLE_RESPONSE_BYTES) {
      body.destroy();
      throw tooLargeError(request.context, MAX_APPLE_RESPONSE_BYTES);
    }
    text += decoder.decode(chunk, { stream: true });
  }
  return text + decoder.decode();
}

/** The `code` of a Node.js or undici error, when it has a string one. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

function parseJSON(text: string, request: PreparedRequest): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw notJSONError(request.context, error);
  }
}
