import type { Dispatcher } from 'undici';
import { createDefaultTransport } from '#default-transport';
import { dispatcherOption, MAX_TIMER_MS, numberOption } from '../checks/option-checks.js';
import { sandboxFromEnvironment, sandboxWarning } from '../config/sandbox-endpoints.js';
import { invalidOptions } from '../errors.js';
import { APPLE_ENDPOINTS, parseEndpointOption } from '../protocol/apple-endpoints.js';
import type { AppleTransport } from './transport.js';
import { createUndiciTransport } from './undici-transport.js';

/**
 * Options of {@link createAppleMusicClient}.
 *
 * @inline
 */
export interface AppleMusicClientOptions {
  /** Returns the developer token to send (typically a cached, self-renewing one). Called once per call. */
  getDeveloperToken: () => Promise<string>;
  /**
   * Base URL of the Apple Music API: `https`, or `http` on a loopback host
   * only (the sandbox), since both tokens go there; no query, no hash, no
   * credentials; a path prefix is kept. Default `https://api.music.apple.com`,
   * or the sandbox's when `APPLE_MUSIC_SANDBOX_URL` is set (given here, it wins).
   */
  apiURL?: string;
  /**
   * An undici `Dispatcher` to send requests with (a `ProxyAgent`, a test
   * agent). Without it the client owns its transport, which
   * the client's `close()` closes: on Node.js one keep-alive undici
   * `Agent`; where undici is not available (Cloudflare Workers, Bun, Deno)
   * the global `fetch`. A dispatcher given here is never closed.
   */
  dispatcher?: Dispatcher;
  /**
   * Time limit of one attempt in milliseconds, from sending the request to
   * the end of the response body; also used as undici's headers and body
   * timeouts. Default 5000.
   */
  timeoutMs?: number;
  /**
   * Time limit for opening a connection, in milliseconds; default
   * `min(timeoutMs, 5000)`. Applies to the client's own `Agent` on Node.js
   * only: with a `dispatcher`, set the connect timeout on that dispatcher
   * instead; with `fetch`, connecting counts toward `timeoutMs`.
   */
  connectTimeoutMs?: number;
  /**
   * Retries after 429, 502, 503, 504 or a reset connection; default 2 (at
   * most 3 attempts). 5xx answers and resets are retried only for `GET`,
   * `PUT` and `DELETE`, which are safe to repeat; 429 for every method.
   */
  maxRetries?: number;
  /**
   * Longest `Retry-After` the client waits for, in milliseconds; default
   * 5000. When Apple asks for a longer wait the call fails at once
   * (`ERR_RATE_LIMITED` carries `retryAfterSeconds`) instead of holding the
   * request open. Without `Retry-After`, waits grow exponentially from about
   * 100 to 200 ms, with jitter.
   */
  maxRetryAfterMs?: number;
  /** How to wait between attempts; default a timer. For tests and custom schedulers. */
  sleep?: (ms: number) => Promise<void>;
}

/** A client's options after the checks, with every default filled in. */
export interface ClientSettings {
  /** The API's origin, e.g. `https://api.music.apple.com`. */
  origin: string;
  /** The path prefix of `apiURL`, without a trailing slash (often `''`). */
  basePath: string;
  /** Sends the requests: over the given `dispatcher`, else the client's own. */
  transport: AppleTransport;
  timeoutMs: number;
  connectTimeoutMs: number;
  maxRetries: number;
  maxRetryAfterMs: number;
  getDeveloperToken: () => Promise<string>;
  sleep: ((ms: number) => Promise<void>) | undefined;
}

const DEFAULT_TIMEOUT_MS = 5000;
const DEFAULT_MAX_RETRIES = 2;
const DEFAULT_MAX_RETRY_AFTER_MS = 5000;
const MAX_RETRIES_LIMIT = 10;

/**
 * Checks the options of {@link createAppleMusicClient} once, fills in the
 * defaults, and creates the client's own transport when no dispatcher is given.
 * Without `apiURL`, `APPLE_MUSIC_SANDBOX_URL` (when set) points the client at
 * that sandbox, with one warning line naming `creator`.
 *
 * @throws {AppleMusicAuthError} `ERR_INVALID_OPTIONS` naming the bad option.
 */
export function resolveClientOptions(
  options: AppleMusicClientOptions,
  creator = 'createAppleMusicClient',
): ClientSettings {
  if (typeof options !== 'object' || options === null) {
    throw invalidOptions(
      'options',
      'pass an object with at least getDeveloperToken (a function returning a promise of the developer token).',
    );
  }
  if (typeof options.getDeveloperToken !== 'function') {
    throw invalidOptions(
      'getDeveloperToken',
      'expected a function returning a promise of the developer token, e.g. `() => auth.getDeveloperToken()`.',
    );
  }
  const sandbox = options.apiURL === undefined ? sandboxFromEnvironment() : undefined;
  const { origin, basePath } = parseApiURL(options.apiURL ?? sandbox?.api);
  const timeoutMs = positiveMs('timeoutMs', options.timeoutMs, DEFAULT_TIMEOUT_MS);
  const connectTimeoutMs = positiveMs(
    'connectTimeoutMs',
    options.connectTimeoutMs,
    Math.min(timeoutMs, DEFAULT_TIMEOUT_MS),
  );
  const maxRetries = numberOption('maxRetries', options.maxRetries, {
    min: 0,
    max: MAX_RETRIES_LIMIT,
    fallback: DEFAULT_MAX_RETRIES,
    integer: true,
  });
  const maxRetryAfterMs = numberOption('maxRetryAfterMs', options.maxRetryAfterMs, {
    min: 0,
    max: MAX_TIMER_MS,
    fallback: DEFAULT_MAX_RETRY_AFTER_MS,
    unit: 'milliseconds',
  });
  if (options.sleep !== undefined && typeof options.sleep !== 'function') {
    throw invalidOptions('sleep', 'expected a function `(ms) => Promise<void>`, or leave it out.');
  }
  const dispatcher = dispatcherOption('dispatcher', options.dispatcher);
  if (dispatcher !== undefined && options.connectTimeoutMs !== undefined) {
    throw invalidOptions(
      'connectTimeoutMs',
      'it only applies to the client’s own Agent; with `dispatcher`, set `connect: { timeout }` on that dispatcher instead.',
    );
  }
  if (sandbox !== undefined) console.warn(sandboxWarning(creator, sandbox));
  return {
    origin,
    basePath,
    transport:
      dispatcher === undefined
        ? createDefaultTransport({ timeoutMs, connectTimeoutMs })
        : createUndiciTransport(dispatcher, timeoutMs, false),
    timeoutMs,
    connectTimeoutMs,
    maxRetries,
    maxRetryAfterMs,
    getDeveloperToken: options.getDeveloperToken,
    sleep: options.sleep,
  };
}

function parseApiURL(value: string | undefined): { origin: string; basePath: string } {
  const url = parseEndpointOption('apiURL', value ?? APPLE_ENDPOINTS.api);
  return { origin: url.origin, basePath: url.pathname.replace(/\/+$/, '') };
}

function positiveMs(field: string, value: number | undefined, fallback: number): number {
  return numberOption(field, value, { min: 1, max: MAX_TIMER_MS, fallback, unit: 'milliseconds' });
}
