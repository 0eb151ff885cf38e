import { isRecord } from '../checks/option-checks.js';
import { AppleMusicAPIError, AppleMusicAuthError, TokenError } from '../errors.js';
import type { Failure } from './attempt-outcome.js';
import type { CallContext } from './request.js';

/**
 * The error of a call whose attempt ran out of time: `ERR_TIMEOUT`, naming
 * the option (`timeoutMs` or `connectTimeoutMs`) to raise.
 */
export function timeoutError(
  context: CallContext,
  ms: number,
  option: 'timeoutMs' | 'connectTimeoutMs',
  cause: unknown,
): AppleMusicAuthError {
  const what = option === 'timeoutMs' ? 'did not answer' : 'could not be connected to';
  return new AppleMusicAuthError(
    'ERR_TIMEOUT',
    `The Apple Music API at ${context.origin} ${what} within ${ms} ms (${describeCall(context)}). Check the network path to Apple (proxy, firewall, DNS), or raise \`${option}\`.`,
    { cause },
  );
}

/** The error of a call on a client (or dispatcher) that was already closed: a usage mistake. */
export function closedClientError(cause: unknown): AppleMusicAuthError {
  return new AppleMusicAuthError(
    'ERR_INVALID_OPTIONS',
    'This Apple Music client (or its dispatcher) was closed: create a new client with createAppleMusicClient(), and call close() only at shutdown.',
    { cause },
  );
}

/** The error of a 2xx answer whose body is not JSON: `apiURL` points elsewhere. */
export function notJSONError(context: CallContext, cause: unknown): AppleMusicAPIError {
  return new AppleMusicAPIError(
    'ERR_UPSTREAM',
    `The Apple Music API answered ${describeCall(context)} with a body that is not JSON. Check that \`apiURL\` points at the Apple Music API (or the sandbox), not at a proxy or web page.`,
    { cause },
  );
}

/** `ERR_UPSTREAM`: Apple's answer is longer than any the API gives; it was cut off unread. */
export function tooLargeError(context: CallContext, maxBytes: number): AppleMusicAPIError {
  return new AppleMusicAPIError(
    'ERR_UPSTREAM',
    `The Apple Music API answered ${describeCall(context)} with a body over ${maxBytes} bytes; it was not read. Check that \`apiURL\` points at the Apple Music API (or the sandbox), and ask for smaller pages (\`limit\`).`,
  );
}

/**
 * Maps the last failed attempt of a call to the typed error to throw: 401
 * (and 403 without a user token) to `ERR_DEVELOPER_TOKEN_REJECTED`, 403 to
 * `ERR_USER_TOKEN_REJECTED`, 429 to `ERR_RATE_LIMITED`, anything else and
 * an unreachable server to `ERR_UPSTREAM` with Apple's error code and title.
 */
export function failureError(failure: Failure, attempts: number, context: CallContext): Error {
  if (failure.status === undefined) {
    const reason = failure.cause instanceof Error ? failure.cause.message : String(failure.cause);
    return new AppleMusicAPIError(
      'ERR_UPSTREAM',
      `Could not reach the Apple Music API at ${context.origin} (${describeCall(context)}, ${attemptsText(attempts)}): ${reason}. Check the network path to Apple (proxy, firewall, DNS) and \`apiURL\`.`,
      { cause: failure.cause },
    );
  }
  const { status } = failure;
  const appleError = readAppleError(failure.text);
  if (status === 401 || status === 403) {
    const reason =
      (failure.sandboxReason === undefined
        ? appleError.detail
        : clip(failure.sandboxReason, 300)) || undefined;
    const said = reason === undefined ? '' : `; the API said: ${reason}`;
    const options = reason === undefined ? {} : { upstreamReason: reason };
    if (status === 401 || !context.hasUserToken) {
      return new TokenError(
        'ERR_DEVELOPER_TOKEN_REJECTED',
        `Apple rejected the developer token (${status} on ${describeCall(context)}${said}): check teamId, keyId, the private key, and the token's origin claim (a token for server calls should carry none).`,
        options,
      );
    }
    return new TokenError(
      'ERR_USER_TOKEN_REJECTED',
      `Apple rejected the Music User Token (403 on ${describeCall(context)}${said}): it is invalid or expired; ask the user to sign in with Apple Music again. A Music User Token is not a stable user id: each sign-in gives a new one.`,
      options,
    );
  }
  const retryAfterSeconds =
    failure.retryAfterMs === undefined ? undefined : Math.ceil(failure.retryAfterMs / 1000);
  const retryHint =
    retryAfterSeconds === undefined ? '' : ` Apple asked to retry after ${retryAfterSeconds} s.`;
  if (status === 429) {
    return new AppleMusicAPIError(
      'ERR_RATE_LIMITED',
      `The Apple Music API rate-limited this app (429 on ${describeCall(context)}, ${attemptsText(attempts)}).${retryHint} Try again later and spread calls out; Apple's limits are per developer token.`,
      { upstreamStatus: status, ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) },
    );
  }
  const upstream = {
    upstreamStatus: status,
    ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    ...(appleError.code === undefined ? {} : { appleErrorCode: appleError.code }),
  };
  if (appleError.code === '40015') {
    return new AppleMusicAPIError(
      'ERR_UPSTREAM',
      `Apple Music refused ${describeCall(context)} (${status}, error 40015): this user has no active Apple Music subscription, which this endpoint needs. Ask the user to subscribe, or avoid library endpoints for them.`,
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
    `The Apple Music API answered ${status} to ${describeCall(context)} after ${attemptsText(attempts)}${detail}.${retryHint} ${advice}`,
    upstream,
  );
}

function describeCall(context: CallContext): string {
  return `${context.method} ${context.path}`;
}

function attemptsText(attempts: number): string {
  return attempts === 1 ? '1 attempt' : `${attempts} attempts`;
}

/** What `errors[0]` of Apple's error body says: its code, code and title, and detail. */
interface AppleErrorSummary {
  code: string | undefined;
  summary: string | undefined;
  detail: string | undefined;
}

/** Reads `errors[0]` of Apple's error body: `{ errors: [{ code, title, detail, status }] }`. */
function readAppleError(text: string): AppleErrorSummary {
  const none = { code: undefined, summary: undefined, detail: undefined };
  let first: unknown;
  try {
    const parsed: unknown = JSON.parse(text);
    first = isRecord(parsed) && Array.isArray(parsed.errors) ? parsed.errors[0] : undefined;
  } catch {
    return none;
  }
  if (!isRecord(first)) return none;
  const code = typeof first.code === 'string' ? clip(first.code, 120) : undefined;
  const title = typeof first.title === 'string' ? clip(first.title, 120) : undefined;
  const detail = typeof first.detail === 'string' ? clip(first.detail, 300) : undefined;
  const summary = [code, title].filter((part) => part !== undefined).join(' ');
  return { code, summary: summary === '' ? undefined : summary, detail };
}

function clip(text: string, max: number): string {
  const clean = text.replace(/\p{Cc}+/gu, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max - 3)}...` : clean;
}
