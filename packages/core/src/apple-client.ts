import { Agent, type Dispatcher } from 'undici';
import {
  AppleMusicAuthError,
  type AppleMusicAuthErrorOptions,
  invalidOptions,
  TokenError,
} from './errors.js';
import { parseHttpURLOption } from './http-url.js';
import { isRecord, MAX_TIMER_MS, numberOption } from './option-checks.js';
import { parseRetryAfter } from './retry-after.js';

/** The user's Apple Music storefront (country), as `GET /v1/me/storefront` returns it. */
export interface Storefront {
  /** Storefront id, a lowercase ISO 3166 alpha-2 country code such as `us`. */
  id: string;
  /** Localized name, e.g. `United States`. */
  name: string;
  /** Default language of the storefront, e.g. `en-US`. */
  defaultLanguageTag: string;
  /** Whether explicit content is `allowed` or `prohibited` there. */
  explicitContentPolicy: string;
}

/** HTTP methods the Apple Music API uses. */
export type AppleMusicMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/**
 * Query parameters of an Apple Music API call. A list is sent comma-separated
 * (`ids=1,2,3`), as Apple expects.
 */
export type AppleMusicQuery = Readonly<Record<string, string | number | readonly string[]>>;

/** Per-call options of {@link AppleMusicClient.fetch}. */
export interface AppleMusicFetchOptions {
  /** The user's Music User Token, for `/v1/me/...` endpoints. Sent only as a header. */
  musicUserToken?: string;
  /** Default `GET`. Only `GET`, `PUT` and `DELETE` are retried after a 5xx or a reset connection. */
  method?: AppleMusicMethod;
  /** Query parameters; do not put them in `path`. */
  query?: AppleMusicQuery;
  /** A JSON-serializable request body (not allowed with `GET`). */
  body?: unknown;
  /** Cancels the call, retries and waits included; the call then rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** Options of {@link createAppleMusicClient}. */
export interface AppleMusicClientOptions {
  /** Returns the developer token to send (typically a cached, self-renewing one). Called once per call. */
  getDeveloperToken: () => Promise<string>;
  /**
   * Base URL of the Apple Music API: `http` or `https`, no query, no hash, no
   * credentials; a path prefix is kept. Default `https://api.music.apple.com`.
   */
  apiURL?: string;
  /**
   * An undici `Dispatcher` to send requests with (a `ProxyAgent`, a test
   * agent). Without it the client owns one keep-alive `Agent`, which
   * {@link AppleMusicClient.close} closes; a dispatcher given here is never closed.
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
   * `min(timeoutMs, 5000)`. Applies to the client's own `Agent` only: with a
   * `dispatcher`, set the connect timeout on that dispatcher instead.
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

/** A client of the Apple Music API that sends both tokens and maps Apple's errors. */
export interface AppleMusicClient {
  /**
   * Calls the Apple Music API and returns the parsed JSON body (`undefined`
   * for an empty body).
   *
   * @param path - An API path starting with `/v1/`, without query or hash.
   * @throws {TokenError} `ERR_DEVELOPER_TOKEN_REJECTED` (Apple's 401) or
   *   `ERR_USER_TOKEN_REJECTED` (Apple's 403: ask the user to sign in again).
   * @throws {AppleMusicAPIError} `ERR_RATE_LIMITED` or `ERR_UPSTREAM`.
   * @throws {AppleMusicAuthError} `ERR_TIMEOUT`, or `ERR_INVALID_OPTIONS` for a bad argument.
   */
  fetch<T = unknown>(path: string, options?: AppleMusicFetchOptions): Promise<T>;
  /**
   * Checks a Music User Token with `GET /v1/me/storefront` and returns the
   * user's storefront. Errors as for {@link AppleMusicClient.fetch}.
   */
  verifyMusicUserToken(musicUserToken: string): Promise<Storefront>;
  /** Closes the client's own keep-alive `Agent` (never a `dispatcher` passed in). Idempotent. */
  close(): Promise<void>;
}

/** Options of the standalone {@link verifyMusicUserToken}. */
export interface VerifyMusicUserTokenOptions {
  /** A developer token (ES256 JWT). */
  developerToken: string;
  /** The Music User Token to check. */
  musicUserToken: string;
  /** As {@link AppleMusicClientOptions.apiURL}. */
  apiURL?: string;
  /** As {@link AppleMusicClientOptions.dispatcher}. */
  dispatcher?: Dispatcher;
  /** As {@link AppleMusicClientOptions.timeoutMs}. */
  timeoutMs?: number;
}

/** Options of {@link AppleMusicAPIError}. */
export interface AppleMusicAPIErrorOptions extends AppleMusicAuthErrorOptions {
  /** Apple's HTTP status, when Apple answered. */
  upstreamStatus?: number;
  /** `errors[0].code` of Apple's answer, e.g. `40015`. */
  appleErrorCode?: string;
  /** How long Apple asked to wait, in seconds, when it said. */
  retryAfterSeconds?: number;
}

/**
 * Apple's API failed or refused the call for another reason than a rejected
 * token: rate limiting (`ERR_RATE_LIMITED`), an error answer, an unreadable
 * body, or an unreachable server (`ERR_UPSTREAM`).
 */
export class AppleMusicAPIError extends AppleMusicAuthError {
  declare readonly code: 'ERR_UPSTREAM' | 'ERR_RATE_LIMITED';
  /** Apple's HTTP status, or `undefined` when Apple could not be reached. */
  readonly upstreamStatus: number | undefined;
  /** `errors[0].code` of Apple's answer (e.g. `40015`: no active subscription), when present. */
  readonly appleErrorCode: string | undefined;
  /** Seconds Apple asked to wait before the next call (`Retry-After`), when it said. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: 'ERR_UPSTREAM' | 'ERR_RATE_LIMITED',
    message: string,
    options: AppleMusicAPIErrorOptions = {},
  ) {
    super(code, message, options);
    this.name = 'AppleMusicAPIError';
    this.upstreamStatus = options.upstreamStatus;
    this.appleErrorCode = options.appleErrorCode;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

const DEFAULT_API_URL = 'https://api.music.apple.com';
const DEFAULT_TIMEOUT_MS = 5000;
const DEFAULT_MAX_RETRIES = 2;
const DEFAULT_MAX_RETRY_AFTER_MS = 5000;
const MAX_RETRIES_LIMIT = 10;
const BACKOFF_BASE_MS = 200;
const METHODS: ReadonlySet<string> = new Set(['GET', 'POST', 'PUT', 'DELETE']);
const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'PUT', 'DELETE']);
const RETRIED_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);
const RESET_CODES: ReadonlySet<string> = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);
const VISIBLE_ASCII = /^[\x21-\x7e]+$/;

interface ResolvedOptions {
  origin: string;
  basePath: string;
  dispatcher: Dispatcher;
  ownsDispatcher: boolean;
  timeoutMs: number;
  connectTimeoutMs: number;
  maxRetries: number;
  maxRetryAfterMs: number;
  getDeveloperToken: () => Promise<string>;
  sleep: ((ms: number) => Promise<void>) | undefined;
}

/** What one call is about, for error messages (never holds a token). */
interface CallContext {
  method: AppleMusicMethod;
  path: string;
  origin: string;
  hasUserToken: boolean;
}

type AttemptOutcome =
  | { ok: true; value: unknown }
  | { ok: false; status: number; text: string; retryAfterMs: number | undefined }
  | { ok: false; status: undefined; cause: unknown };

type Failure = Extract<AttemptOutcome, { ok: false }>;

/**
 * Creates an Apple Music API client on undici: one keep-alive `Agent`,
 * per-attempt timeouts, retries with `Retry-After`, bodies always consumed,
 * and Apple's answers mapped to typed errors. Options are checked here, once.
 *
 * @throws {AppleMusicAuthError} `ERR_INVALID_OPTIONS` naming the bad option.
 */
export function createAppleMusicClient(options: AppleMusicClientOptions): AppleMusicClient {
  const resolved = resolveOptions(options);
  let closing: Promise<void> | undefined;

  async function fetchJSON<T>(path: string, fetchOptions: AppleMusicFetchOptions = {}): Promise<T> {
    const request = prepareRequest(resolved, path, fetchOptions);
    const { signal } = fetchOptions;
    signal?.throwIfAborted();
    const developerToken = await resolved.getDeveloperToken();
    if (typeof developerToken !== 'string' || !VISIBLE_ASCII.test(developerToken)) {
      throw invalidOptions(
        'getDeveloperToken',
        'it must resolve to the developer token, a non-empty string of visible ASCII characters (an ES256 JWT).',
      );
    }
    const headers: Record<string, string> = {
      ...request.headers,
      authorization: `Bearer ${developerToken}`,
    };
    for (let attempt = 1; ; attempt += 1) {
      const outcome = await sendOnce(resolved, request, headers, signal);
      if (outcome.ok) return outcome.value as T;
      const retryable = attempt <= resolved.maxRetries && isRetryable(outcome, request.context);
      const retryAfterMs = outcome.status === undefined ? undefined : outcome.retryAfterMs;
      if (!retryable || (retryAfterMs ?? 0) > resolved.maxRetryAfterMs) {
        throw failureError(outcome, attempt, request.context);
      }
      await wait(retryAfterMs ?? backoff(attempt), resolved.sleep, signal);
    }
  }

  return {
    fetch: fetchJSON,
    async verifyMusicUserToken(musicUserToken) {
      if (typeof musicUserToken !== 'string' || musicUserToken === '') {
        throw invalidOptions(
          'musicUserToken',
          'pass the Music User Token the user just obtained, a non-empty string.',
        );
      }
      const body = await fetchJSON('/v1/me/storefront', { musicUserToken });
      return toStorefront(body);
    },
    close() {
      if (!resolved.ownsDispatcher) return Promise.resolve();
      closing ??= resolved.dispatcher.close();
      return closing;
    },
  };
}

/**
 * Checks a Music User Token against Apple (`GET /v1/me/storefront`) with a
 * short-lived client, and returns the user's storefront. For the CLI and for
 * flows composed by hand; servers should keep one {@link createAppleMusicClient}.
 *
 * @throws {TokenError} `ERR_USER_TOKEN_REJECTED` when the user must sign in
 *   again, `ERR_DEVELOPER_TOKEN_REJECTED` when the developer token is refused.
 */
export async function verifyMusicUserToken(
  options: VerifyMusicUserTokenOptions,
): Promise<Storefront> {
  if (typeof options !== 'object' || options === null) {
    throw invalidOptions(
      'options',
      'pass an object with developerToken and musicUserToken (strings).',
    );
  }
  const { developerToken, musicUserToken, apiURL, dispatcher, timeoutMs } = options;
  if (typeof developerToken !== 'string' || !VISIBLE_ASCII.test(developerToken)) {
    throw invalidOptions(
      'developerToken',
      'expected the developer token, a non-empty string of visible ASCII characters (an ES256 JWT).',
    );
  }
  const client = createAppleMusicClient({
    getDeveloperToken: () => Promise.resolve(developerToken),
    ...(apiURL === undefined ? {} : { apiURL }),
    ...(dispatcher === undefined ? {} : { dispatcher }),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });
  try {
    return await client.verifyMusicUserToken(musicUserToken);
  } finally {
    await client.close();
  }
}

function resolveOptions(options: AppleMusicClientOptions): ResolvedOptions {
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
  const { origin, basePath } = parseApiURL(options.apiURL);
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
  const { dispatcher } = options;
  if (dispatcher !== undefined) {
    if (typeof dispatcher !== 'object' || dispatcher === null || !('request' in dispatcher)) {
      throw invalidOptions(
        'dispatcher',
        'expected an undici Dispatcher such as `new Agent()` or `new ProxyAgent(url)`, or leave it out.',
      );
    }
    if (options.connectTimeoutMs !== undefined) {
      throw invalidOptions(
        'connectTimeoutMs',
        'it only applies to the client’s own Agent; with `dispatcher`, set `connect: { timeout }` on that dispatcher instead.',
      );
    }
  }
  return {
    origin,
    basePath,
    dispatcher:
      dispatcher ??
      new Agent({
        connect: { timeout: connectTimeoutMs },
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      }),
    ownsDispatcher: dispatcher === undefined,
    timeoutMs,
    connectTimeoutMs,
    maxRetries,
    maxRetryAfterMs,
    getDeveloperToken: options.getDeveloperToken,
    sleep: options.sleep,
  };
}

function parseApiURL(value: string | undefined): { origin: string; basePath: string } {
  const url = parseHttpURLOption('apiURL', value ?? DEFAULT_API_URL, 'http-or-https', {
    query: false,
  });
  return { origin: url.origin, basePath: url.pathname.replace(/\/+$/, '') };
}

function positiveMs(field: string, value: number | undefined, fallback: number): number {
  return numberOption(field, value, { min: 1, max: MAX_TIMER_MS, fallback, unit: 'milliseconds' });
}

interface PreparedRequest {
  context: CallContext;
  requestPath: string;
  headers: Record<string, string>;
  body: string | undefined;
}

function prepareRequest(
  options: ResolvedOptions,
  path: string,
  fetchOptions: AppleMusicFetchOptions,
): PreparedRequest {
  if (typeof fetchOptions !== 'object' || fetchOptions === null) {
    throw invalidOptions(
      'options',
      'the second argument of fetch() must be an object or left out.',
    );
  }
  checkPath(path);
  const method = fetchOptions.method ?? 'GET';
  if (!METHODS.has(method)) {
    throw invalidOptions('method', 'expected GET, POST, PUT or DELETE.');
  }
  const headers: Record<string, string> = {
    accept: 'application/json',
    'user-agent': 'apple-music-auth',
  };
  const { musicUserToken } = fetchOptions;
  if (musicUserToken !== undefined) {
    if (typeof musicUserToken !== 'string' || !VISIBLE_ASCII.test(musicUserToken)) {
      throw invalidOptions(
        'musicUserToken',
        'expected the Music User Token as a non-empty string of visible ASCII characters (no spaces or line breaks).',
      );
    }
    headers['music-user-token'] = musicUserToken;
  }
  let body: string | undefined;
  if (fetchOptions.body !== undefined) {
    if (method === 'GET') {
      throw invalidOptions('body', 'a GET request has no body; use `query`, or another method.');
    }
    body = JSON.stringify(fetchOptions.body);
    headers['content-type'] = 'application/json';
  }
  const query = fetchOptions.query === undefined ? '' : encodeQuery(fetchOptions.query);
  return {
    context: { method, path, origin: options.origin, hasUserToken: musicUserToken !== undefined },
    requestPath: `${options.basePath}${path}${query}`,
    headers,
    body,
  };
}

/**
 * A path is appended to the configured origin, never resolved as a URL, so it
 * cannot name another host; dot segments are refused so it cannot climb out
 * of `/v1/` (or out of the base path of `apiURL`).
 */
function checkPath(path: string): void {
  const problem =
    'expected an Apple Music API path starting with `/v1/`, e.g. `/v1/me/storefront`, made of visible ASCII characters, without `..` segments, query (use the `query` option) or hash.';
  if (typeof path !== 'string' || !path.startsWith('/v1/') || !VISIBLE_ASCII.test(path)) {
    throw invalidOptions('path', problem);
  }
  if (/[?#\\]/.test(path)) throw invalidOptions('path', problem);
  const dotSegment = path.split('/').some((segment) => /^(?:\.|%2e){1,2}$/i.test(segment));
  if (dotSegment) throw invalidOptions('path', problem);
}

function encodeQuery(query: AppleMusicQuery): string {
  if (typeof query !== 'object' || query === null) {
    throw invalidOptions('query', 'expected an object of strings, numbers or string lists.');
  }
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (typeof value === 'string') params.append(key, value);
    else if (typeof value === 'number' && Number.isFinite(value)) params.append(key, String(value));
    else if (Array.isArray(value) && value.every((item) => typeof item === 'string')) {
      params.append(key, value.join(','));
    } else {
      throw invalidOptions(
        `query.${key}`,
        'expected a string, a finite number or a list of strings.',
      );
    }
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

/** One attempt: sends the request, reads the whole body (so the socket goes back to the pool). */
async function sendOnce(
  options: ResolvedOptions,
  request: PreparedRequest,
  headers: Record<string, string>,
  signal: AbortSignal | undefined,
): Promise<AttemptOutcome> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  const onAbort = () => controller.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const response = await options.dispatcher.request({
      origin: options.origin,
      path: request.requestPath,
      method: request.context.method,
      headers,
      body: request.body ?? null,
      signal: controller.signal,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
    const text = await response.body.text();
    const status = response.statusCode;
    if (status >= 200 && status < 300) return { ok: true, value: parseJSON(text, request.context) };
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
      throw timeoutError(request.context, options.timeoutMs, 'timeoutMs', error);
    }
    if (code === 'UND_ERR_CONNECT_TIMEOUT') {
      throw timeoutError(request.context, options.connectTimeoutMs, 'connectTimeoutMs', error);
    }
    if (code === 'UND_ERR_DESTROYED' || code === 'UND_ERR_CLOSED') {
      throw new AppleMusicAuthError(
        'ERR_INVALID_OPTIONS',
        'This Apple Music client (or its dispatcher) was closed: create a new client with createAppleMusicClient(), and call close() only at shutdown.',
        { cause: error },
      );
    }
    return { ok: false, status: undefined, cause: error };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

function parseJSON(text: string, context: CallContext): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new AppleMusicAPIError(
      'ERR_UPSTREAM',
      `The Apple Music API answered ${describe(context)} with a body that is not JSON. Check that \`apiURL\` points at the Apple Music API (or the sandbox), not at a proxy or web page.`,
      { cause: error },
    );
  }
}

function isRetryable(failure: Failure, context: CallContext): boolean {
  if (failure.status === undefined) {
    return IDEMPOTENT_METHODS.has(context.method) && isConnectionReset(failure.cause);
  }
  if (failure.status === 429) return true;
  return RETRIED_STATUSES.has(failure.status) && IDEMPOTENT_METHODS.has(context.method);
}

function isConnectionReset(error: unknown): boolean {
  const code = errorCode(error);
  if (code !== undefined && RESET_CODES.has(code)) return true;
  return error instanceof Error && error.message.includes('other side closed');
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
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

function describe(context: CallContext): string {
  return `${context.method} ${context.path}`;
}

function attemptsText(attempts: number): string {
  return attempts === 1 ? '1 attempt' : `${attempts} attempts`;
}

function timeoutError(
  context: CallContext,
  ms: number,
  option: 'timeoutMs' | 'connectTimeoutMs',
  cause: unknown,
): AppleMusicAuthError {
  const what = option === 'timeoutMs' ? 'did not answer' : 'could not be connected to';
  return new AppleMusicAuthError(
    'ERR_TIMEOUT',
    `The Apple Music API at ${context.origin} ${what} within ${ms} ms (${describe(context)}). Check the network path to Apple (proxy, firewall, DNS), or raise \`${option}\`.`,
    { cause },
  );
}

function failureError(failure: Failure, attempts: number, context: CallContext): Error {
  if (failure.status === undefined) {
    const reason = failure.cause instanceof Error ? failure.cause.message : String(failure.cause);
    return new AppleMusicAPIError(
      'ERR_UPSTREAM',
      `Could not reach the Apple Music API at ${context.origin} (${describe(context)}, ${attemptsText(attempts)}): ${reason}. Check the network path to Apple (proxy, firewall, DNS) and \`apiURL\`.`,
      { cause: failure.cause },
    );
  }
  const { status } = failure;
  if (status === 401 || (status === 403 && !context.hasUserToken)) {
    return new TokenError(
      'ERR_DEVELOPER_TOKEN_REJECTED',
      `Apple rejected the developer token (${status} on ${describe(context)}): check teamId, keyId, the private key, and the token's origin claim (a token for server calls should carry none).`,
    );
  }
  if (status === 403) {
    return new TokenError(
      'ERR_USER_TOKEN_REJECTED',
      `Apple rejected the Music User Token (403 on ${describe(context)}): it is invalid or expired; ask the user to sign in with Apple Music again. A Music User Token is not a stable user id: each sign-in gives a new one.`,
    );
  }
  const retryAfterSeconds =
    failure.retryAfterMs === undefined ? undefined : Math.ceil(failure.retryAfterMs / 1000);
  const retryHint =
    retryAfterSeconds === undefined ? '' : ` Apple asked to retry after ${retryAfterSeconds} s.`;
  if (status === 429) {
    return new AppleMusicAPIError(
      'ERR_RATE_LIMITED',
      `The Apple Music API rate-limited this app (429 on ${describe(context)}, ${attemptsText(attempts)}).${retryHint} Try again later and spread calls out; Apple's limits are per developer token.`,
      { upstreamStatus: status, ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) },
    );
  }
  const appleError = readAppleError(failure.text);
  const upstream = {
    upstreamStatus: status,
    ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    ...(appleError.code === undefined ? {} : { appleErrorCode: appleError.code }),
  };
  if (appleError.code === '40015') {
    return new AppleMusicAPIError(
      'ERR_UPSTREAM',
      `Apple Music refused ${describe(context)} (${status}, error 40015): this user has no active Apple Music subscription, which this endpoint needs. Ask the user to subscribe, or avoid library endpoints for them.`,
      upstream,
    );
  }
  const detail = appleError.summary === undefined ? '' : ` (Apple: ${appleError.summary})`;
  const advice =
    status >= 500
      ? 'Apple is having trouble; try again later.'
      : 'Check the path, query and body against the Apple Music API reference.';
  return new AppleMusicAPIError(
    'ERR_UPSTREAM',
    `The Apple Music API answered ${status} to ${describe(context)} after ${attemptsText(attempts)}${detail}.${retryHint} ${advice}`,
    upstream,
  );
}

/** Reads `errors[0]` of Apple's error body: `{ errors: [{ code, title, detail, status }] }`. */
function readAppleError(text: string): { code: string | undefined; summary: string | undefined } {
  let first: unknown;
  try {
    const parsed: unknown = JSON.parse(text);
    first = isRecord(parsed) && Array.isArray(parsed.errors) ? parsed.errors[0] : undefined;
  } catch {
    return { code: undefined, summary: undefined };
  }
  if (!isRecord(first)) return { code: undefined, summary: undefined };
  const code = typeof first.code === 'string' ? clip(first.code) : undefined;
  const title = typeof first.title === 'string' ? clip(first.title) : undefined;
  const summary = [code, title].filter((part) => part !== undefined).join(' ');
  return { code, summary: summary === '' ? undefined : summary };
}

function clip(text: string): string {
  const clean = text.replace(/\p{Cc}+/gu, ' ').trim();
  return clean.length > 120 ? `${clean.slice(0, 117)}...` : clean;
}

function toStorefront(body: unknown): Storefront {
  const first = isRecord(body) && Array.isArray(body.data) ? body.data[0] : undefined;
  const attributes = isRecord(first) ? first.attributes : undefined;
  if (
    isRecord(first) &&
    typeof first.id === 'string' &&
    isRecord(attributes) &&
    typeof attributes.name === 'string' &&
    typeof attributes.defaultLanguageTag === 'string' &&
    typeof attributes.explicitContentPolicy === 'string'
  ) {
    return {
      id: first.id,
      name: attributes.name,
      defaultLanguageTag: attributes.defaultLanguageTag,
      explicitContentPolicy: attributes.explicitContentPolicy,
    };
  }
  throw new AppleMusicAPIError(
    'ERR_UPSTREAM',
    'The Apple Music API answered GET /v1/me/storefront without a storefront (expected data[0] with an id and attributes name, defaultLanguageTag and explicitContentPolicy). Check that `apiURL` points at the Apple Music API or an up-to-date sandbox.',
    { upstreamStatus: 200 },
  );
}
