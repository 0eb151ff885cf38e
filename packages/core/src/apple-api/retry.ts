import { sendOnce } from './attempt.js';
import type { Failure } from './attempt-outcome.js';
import type { ClientSettings } from './client-options.js';
import { failureError } from './error-mapping.js';
import type { CallContext, PreparedRequest } from './request.js';

const BACKOFF_BASE_MS = 200;
const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'PUT', 'DELETE']);
const RETRIED_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/**
 * Sends a prepared request until it succeeds or the retry policy gives up:
 * 429 is retried for every method; 502, 503, 504 and a reset connection only
 * for `GET`, `PUT` and `DELETE`. It waits `Retry-After` (failing at once when
 * Apple asks for more than `maxRetryAfterMs`) or an exponential backoff with
 * jitter. Resolves to the parsed body; rejects with the mapped error of the
 * last attempt, or the signal's reason.
 */
export async function sendWithRetries(
  settings: ClientSettings,
  request: PreparedRequest,
  headers: Record<string, string>,
  signal: AbortSignal | undefined,
): Promise<unknown> {
  for (let attempt = 1; ; attempt += 1) {
    const outcome = await sendOnce(settings, request, headers, signal);
    if (outcome.ok) return outcome.value;
    const retryable = attempt <= settings.maxRetries && isRetryable(outcome, request.context);
    const retryAfterMs = outcome.status === undefined ? undefined : outcome.retryAfterMs;
    if (!retryable || (retryAfterMs ?? 0) > settings.maxRetryAfterMs) {
      throw failureError(outcome, attempt, request.context);
    }
    await wait(retryAfterMs ?? backoff(attempt), settings.sleep, signal);
  }
}

function isRetryable(failure: Failure, context: CallContext): boolean {
  if (failure.status === undefined) {
    return IDEMPOTENT_METHODS.has(context.method) && failure.reset;
  }
  if (failure.status === 429) return true;
  return RETRIED_STATUSES.has(failure.status) && IDEMPOTENT_METHODS.has(context.method);
}

function backoff(attempt: number): number {
  const ceiling = BACKOFF_BASE_MS * 2 ** (attempt - 1);
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

async function wait(
  ms: number,
  sleep: ((ms: number) => Promise<void>) | undefined,
  signal: AbortSignal | undefined,
): Promise<void> {
  if (sleep) await sleep(ms);
  else {
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
  signal?.throwIfAborted();
}
