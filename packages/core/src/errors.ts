/**
 * Every error code this library throws, for `switch (error.code)`.
 *
 * Codes are stable across releases; messages are for people and may change.
 */
export type AppleMusicAuthErrorCode =
  | 'ERR_INVALID_OPTIONS'
  | 'ERR_INVALID_KEY'
  | 'ERR_STATE_MISSING'
  | 'ERR_STATE_MISMATCH'
  | 'ERR_STATE_EXPIRED'
  | 'ERR_STATE_MALFORMED'
  | 'ERR_STATE_REPLAYED'
  | 'ERR_USED_STATES_FULL'
  | 'ERR_CALLBACK_INVALID'
  | 'ERR_ORIGIN_NOT_ALLOWED'
  | 'ERR_INVALID_RETURN_TO'
  | 'ERR_ACCESS_DENIED'
  | 'ERR_UNAVAILABLE'
  | 'ERR_CANCELLED'
  | 'ERR_POPUP_BLOCKED'
  | 'ERR_DEVELOPER_TOKEN_REJECTED'
  | 'ERR_USER_TOKEN_REJECTED'
  | 'ERR_RATE_LIMITED'
  | 'ERR_UPSTREAM'
  | 'ERR_TIMEOUT';

/**
 * Codes of {@link AuthorizationError}: the user or Apple said no.
 *
 * @inline
 */
export type AuthorizationErrorCode = Extract<
  AppleMusicAuthErrorCode,
  'ERR_ACCESS_DENIED' | 'ERR_UNAVAILABLE' | 'ERR_CANCELLED' | 'ERR_POPUP_BLOCKED'
>;

/**
 * Codes of {@link TokenError}: Apple rejected one of the two tokens.
 *
 * @inline
 */
export type TokenErrorCode = Extract<
  AppleMusicAuthErrorCode,
  'ERR_DEVELOPER_TOKEN_REJECTED' | 'ERR_USER_TOKEN_REJECTED'
>;

/**
 * The HTTP status an adapter answers with for each code, unless the thrower
 * chose another. Configuration and key problems are the server's fault (500);
 * Apple's failures are a bad gateway (502) or a gateway timeout (504); a
 * full used-state store is a temporary refusal (503).
 */
export const defaultStatusByCode: Readonly<Record<AppleMusicAuthErrorCode, number>> = {
  ERR_INVALID_OPTIONS: 500,
  ERR_INVALID_KEY: 500,
  ERR_STATE_MISSING: 400,
  ERR_STATE_MISMATCH: 400,
  ERR_STATE_EXPIRED: 400,
  ERR_STATE_MALFORMED: 400,
  ERR_STATE_REPLAYED: 403,
  ERR_USED_STATES_FULL: 503,
  ERR_CALLBACK_INVALID: 400,
  ERR_ORIGIN_NOT_ALLOWED: 400,
  ERR_INVALID_RETURN_TO: 400,
  ERR_ACCESS_DENIED: 403,
  ERR_UNAVAILABLE: 403,
  ERR_CANCELLED: 400,
  ERR_POPUP_BLOCKED: 400,
  ERR_DEVELOPER_TOKEN_REJECTED: 502,
  ERR_USER_TOKEN_REJECTED: 401,
  ERR_RATE_LIMITED: 503,
  ERR_UPSTREAM: 502,
  ERR_TIMEOUT: 504,
};

/**
 * passport-oauth2's convention, which Passport users rely on, for a callback
 * that failed: a number is `fail(info, status)` (401 when the user or Apple
 * said no, 403 for a state failure), `'own'` is `fail(info, error.status)`
 * (a bad callback request, an origin not listed), and `'error'` is
 * `error(err)`, a fault of the server or of Apple.
 */
export const passportStatusByCode: Readonly<
  Record<AppleMusicAuthErrorCode, number | 'own' | 'error'>
> = {
  ERR_INVALID_OPTIONS: 'error',
  ERR_INVALID_KEY: 'error',
  ERR_STATE_MISSING: 403,
  ERR_STATE_MISMATCH: 403,
  ERR_STATE_EXPIRED: 403,
  ERR_STATE_MALFORMED: 403,
  ERR_STATE_REPLAYED: 403,
  ERR_USED_STATES_FULL: 'error',
  ERR_CALLBACK_INVALID: 'own',
  ERR_ORIGIN_NOT_ALLOWED: 'own',
  ERR_INVALID_RETURN_TO: 'error',
  ERR_ACCESS_DENIED: 401,
  ERR_UNAVAILABLE: 401,
  ERR_CANCELLED: 401,
  ERR_POPUP_BLOCKED: 401,
  ERR_DEVELOPER_TOKEN_REJECTED: 'error',
  ERR_USER_TOKEN_REJECTED: 'error',
  ERR_RATE_LIMITED: 'error',
  ERR_UPSTREAM: 'error',
  ERR_TIMEOUT: 'error',
};

/**
 * Options shared by every error constructor.
 *
 * @inline
 */
export interface AppleMusicAuthErrorOptions {
  /** The HTTP status to answer with; defaults to the code's usual status. */
  status?: number;
  /** The underlying error, if any. */
  cause?: unknown;
}

/**
 * Response headers that travel with an error, e.g. the `set-cookie` that clears the state cookie.
 *
 * @inline
 */
export type ErrorHeaders = Record<string, string | string[]>;

/**
 * The one base class of every error this library throws on purpose.
 *
 * `code` tells what happened, `status` is the HTTP status an adapter should
 * answer with, and the message says what to do about it. `expose` and
 * `headers` are what Koa and Fastify read from a thrown error: the message is
 * shown only when `expose` is true, and Koa's `ctx.onerror` drops every
 * response header except `error.headers`.
 */
export class AppleMusicAuthError extends Error {
  /** What went wrong, as a stable code. */
  readonly code: AppleMusicAuthErrorCode;
  /** The HTTP status that fits this error. */
  readonly status: number;
  /**
   * Headers to answer with: a callback's error carries the `set-cookie`
   * values that clear the state cookie, so an app that rethrows keeps them.
   */
  headers: ErrorHeaders = {};

  constructor(
    code: AppleMusicAuthErrorCode,
    message: string,
    options: AppleMusicAuthErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppleMusicAuthError';
    this.code = code;
    this.status = options.status ?? defaultStatusByCode[code];
  }

  /** True below 500: the message is about the request and may be shown to its sender. */
  get expose(): boolean {
    return this.status < 500;
  }
}

/** The user declined, Apple Music is unavailable to them, or the attempt was abandoned. */
export class AuthorizationError extends AppleMusicAuthError {
  declare readonly code: AuthorizationErrorCode;

  constructor(
    code: AuthorizationErrorCode,
    message: string,
    options: AppleMusicAuthErrorOptions = {},
  ) {
    super(code, message, options);
    this.name = 'AuthorizationError';
  }
}

/**
 * Apple rejected a token: the developer token (check the key, team id and key
 * id) or the Music User Token (ask the user to sign in again).
 */
export class TokenError extends AppleMusicAuthError {
  declare readonly code: TokenErrorCode;
  /** Why the API refused the token, in its own words, when it said; never a token. */
  readonly upstreamReason: string | undefined;

  /** `upstreamReason`: why the API refused the token, when it said (Apple's 401 does not). */
  constructor(
    code: TokenErrorCode,
    message: string,
    options: AppleMusicAuthErrorOptions & { upstreamReason?: string } = {},
  ) {
    super(code, message, options);
    this.name = 'TokenError';
    this.upstreamReason = options.upstreamReason;
  }
}

/** True when `value` is an error thrown by this library (works across copies of it). */
export function isAppleMusicAuthError(value: unknown): value is AppleMusicAuthError {
  if (value instanceof AppleMusicAuthError) return true;
  if (!(value instanceof Error)) return false;
  const { code, status } = value as Error & { code?: unknown; status?: unknown };
  return (
    typeof code === 'string' &&
    Object.hasOwn(defaultStatusByCode, code) &&
    typeof status === 'number'
  );
}

/** Shorthand for the most common throw: bad configuration, named field, what to do. */
export function invalidOptions(field: string, problem: string): AppleMusicAuthError {
  return new AppleMusicAuthError('ERR_INVALID_OPTIONS', `Invalid option \`${field}\`: ${problem}`);
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
