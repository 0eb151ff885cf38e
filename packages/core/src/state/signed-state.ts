import { type _HMAC, hmac } from '@noble/hashes/hmac.js';
import { type _SHA256, sha256 } from '@noble/hashes/sha2.js';
import { base64url } from 'jose';
import { clockOption, numberOption } from '../checks/option-checks.js';
import { constantTimeEqual } from '../crypto/constant-time.js';
import { randomBytes } from '../crypto/random-bytes.js';
import { AppleMusicAuthError, invalidOptions } from '../errors.js';
import { normalizeReturnTo } from '../http/return-to.js';

/** The shortest `state.secret` accepted, in characters. */
export const MIN_STATE_SECRET_LENGTH = 32;

/** How long a login state stays valid by default: 10 minutes. */
export const DEFAULT_STATE_MAX_AGE_SECONDS = 600;

/** The shortest lifetime a login state may be given: 30 seconds. */
export const MIN_STATE_MAX_AGE_SECONDS = 30;

/** The longest lifetime a login state may be given: one hour. */
export const MAX_STATE_MAX_AGE_SECONDS = 3600;

/** The `typ` header of a state, so that no other JWT signed with the same secret passes as one. */
const STATE_TYPE = 'apple-music-auth-state+jwt';

/** Longer than any state this module issues (a returnTo of 2048 characters included). */
const MAX_STATE_LENGTH = 8192;

/** Longest nonce accepted; the ones {@link createNonce} makes have 43 characters. */
const MAX_NONCE_LENGTH = 512;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The protected header of every state. */
const STATE_HEADER_FIELDS: Readonly<Record<string, unknown>> = { alg: 'HS256', typ: STATE_TYPE };

/** The protected header of every state, encoded once. */
const STATE_HEADER = base64url.encode(JSON.stringify(STATE_HEADER_FIELDS));

/** An HMAC-SHA256 whose key pads are already hashed; each message is signed in a copy of it. */
type PreparedHmac = _HMAC<_SHA256>;

/** HMAC keys prepared once per secret: their pads are hashed on first use only. */
const hmacKeys = new Map<string, PreparedHmac>();

/** At most this many secrets keep a prepared key (a rotation list has a few). */
const MAX_CACHED_HMAC_KEYS = 16;

function hmacKey(secret: string): PreparedHmac {
  let key = hmacKeys.get(secret);
  // Stryker disable next-line ConditionalExpression: preparing the key again on every call gives the same key: only slower
  if (key === undefined) {
    // Stryker disable next-line ConditionalExpression, EqualityOperator: when the key cache is cleared only changes memory and speed, never a result
    if (hmacKeys.size >= MAX_CACHED_HMAC_KEYS) hmacKeys.clear();
    key = hmac.create(sha256, encoder.encode(secret));
    hmacKeys.set(secret, key);
  }
  return key;
}

/**
 * Where each signature is computed: a copy of the prepared key, the UTF-8 of
 * the signing input, and the MAC. Signing is synchronous, so one of each
 * serves every call, which saves about 1 us per state on Node 20 against
 * allocating them (see bench/README.md). A signing input has at most
 * {@link MAX_STATE_LENGTH} characters (`verifyState` refuses longer states;
 * the ones `createState` makes are shorter), so its UTF-8 always fits.
 */
let scratch: PreparedHmac | undefined;
const signingBytes = new Uint8Array(3 * MAX_STATE_LENGTH);
const mac = new Uint8Array(32);

/** The HS256 signature of a compact JWS's `header.payload`, base64url. */
function signature(signingInput: string, secret: string): string {
  const hmacState = hmacKey(secret)._cloneInto(scratch);
  scratch = hmacState;
  const { written } = encoder.encodeInto(signingInput, signingBytes);
  hmacState.update(signingBytes.subarray(0, written)).digestInto(mac);
  return base64url.encode(mac);
}

/**
 * Checks a `state.secret` option and returns it as a list (first signs, all
 * verify). Each secret must be a string of at least
 * {@link MIN_STATE_SECRET_LENGTH} characters, e.g. 32 random bytes in base64.
 *
 * @throws AppleMusicAuthError with code `ERR_INVALID_OPTIONS` naming `field`.
 */
export function assertStateSecret(value: unknown, field = 'state.secret'): readonly string[] {
  const hint = `use a random string of at least ${MIN_STATE_SECRET_LENGTH} characters (e.g. \`openssl rand -base64 32\`), or a list of them to rotate (the first signs, all verify)`;
  if (typeof value === 'string') {
    if (value.length < MIN_STATE_SECRET_LENGTH) {
      throw invalidOptions(field, `it has ${value.length} characters; ${hint}.`);
    }
    return Object.freeze([value]);
  }
  if (!Array.isArray(value)) {
    throw invalidOptions(field, `expected a string or a list of strings; ${hint}.`);
  }
  if (value.length === 0) throw invalidOptions(field, `the list is empty; ${hint}.`);
  value.forEach((secret: unknown, index) => {
    if (typeof secret !== 'string') {
      throw invalidOptions(
        `${field}[${index}]`,
        `expected a string, got ${typeof secret}; ${hint}.`,
      );
    }
    if (secret.length < MIN_STATE_SECRET_LENGTH) {
      throw invalidOptions(`${field}[${index}]`, `it has ${secret.length} characters; ${hint}.`);
    }
  });
  return Object.freeze([...(value as string[])]);
}

/**
 * Checks a state lifetime option: a whole number of seconds from
 * {@link MIN_STATE_MAX_AGE_SECONDS} to {@link MAX_STATE_MAX_AGE_SECONDS}.
 * `undefined` gives the default. `field` names the option in the error.
 */
export function assertMaxAgeSeconds(value: unknown, field = 'state.maxAge'): number {
  return numberOption(field, value, {
    min: MIN_STATE_MAX_AGE_SECONDS,
    max: MAX_STATE_MAX_AGE_SECONDS,
    fallback: DEFAULT_STATE_MAX_AGE_SECONDS,
    integer: true,
    unit: 'seconds',
  });
}

/** A new random nonce: 32 bytes from the platform's CSPRNG, base64url (43 characters). */
export function createNonce(): string {
  return base64url.encode(randomBytes(32));
}

/**
 * SHA-256 of the nonce, base64url: what a state carries instead of the nonce
 * itself, and the id a session store's used state is remembered by.
 */
export function hashNonce(nonce: string): string {
  return base64url.encode(sha256(encoder.encode(nonce)));
}

/**
 * Options of {@link createState}.
 *
 * @inline
 */
export interface CreateStateOptions {
  /** `state.secret`: one secret, or a list whose first entry signs. */
  secret: string | readonly string[];
  /** The nonce kept by this browser (e.g. in a cookie); the state carries its hash only. */
  nonce: string;
  /** A same-site path to go back to after the login; refused with `ERR_INVALID_RETURN_TO` otherwise. */
  returnTo?: string | undefined;
  /** Lifetime of the state in seconds; default 600 (10 minutes). */
  maxAgeSeconds?: number | undefined;
  /** Clock in milliseconds since the epoch; default `Date.now`. */
  now?: (() => number) | undefined;
}

/**
 * Makes a login state: a compact HS256 JWT (HMAC-SHA256 from `@noble/hashes`) signed with the first
 * secret, carrying the SHA-256 hash of `nonce` (`nh`), the normalized
 * `returnTo` (`rt`), `iat` and `exp`. It is integrity-protected, not
 * encrypted: it holds nothing secret.
 *
 * @throws AppleMusicAuthError `ERR_INVALID_OPTIONS` for a bad secret, nonce,
 *   lifetime or clock; `ERR_INVALID_RETURN_TO` for a `returnTo` that is not a
 *   same-site path.
 */
export async function createState(options: CreateStateOptions): Promise<string> {
  const [signingSecret] = assertStateSecret(options.secret, 'secret');
  const maxAgeSeconds = assertMaxAgeSeconds(options.maxAgeSeconds, 'maxAgeSeconds');
  const now = clockOption('now', options.now);
  const { nonce } = options;
  if (typeof nonce !== 'string' || nonce === '' || nonce.length > MAX_NONCE_LENGTH) {
    throw invalidOptions('nonce', 'expected a non-empty string, such as one from `createNonce()`.');
  }
  return signState(
    { signingSecret: signingSecret as string, maxAgeSeconds, now },
    nonce,
    options.returnTo,
  );
}

/** What signs a state, checked once (by {@link createState}'s caller or the cookie store). */
export interface StateSigning {
  /** The secret that signs: the first of `state.secret`. */
  signingSecret: string;
  /** The state's lifetime in seconds. */
  maxAgeSeconds: number;
  /** Clock in milliseconds since the epoch. */
  now: () => number;
}

/**
 * {@link createState} on values checked once, for the cookie store's logins:
 * only the `returnTo` of each login is checked here.
 */
export async function signState(
  signing: StateSigning,
  nonce: string,
  returnToInput: string | undefined,
): Promise<string> {
  const { signingSecret, maxAgeSeconds, now } = signing;
  const returnTo = returnToInput === undefined ? undefined : normalizeReturnTo(returnToInput);
  const issuedAt = Math.floor(now() / 1000);
  const claims: Record<string, string | number> = { nh: hashNonce(nonce) };
  // Stryker disable next-line ConditionalExpression: an rt of undefined is left out by JSON.stringify: the same state
  if (returnTo !== undefined) claims.rt = returnTo;
  claims.iat = issuedAt;
  claims.exp = issuedAt + maxAgeSeconds;
  const signingInput = `${STATE_HEADER}.${base64url.encode(JSON.stringify(claims))}`;
  return `${signingInput}.${signature(signingInput, signingSecret as string)}`;
}

/**
 * Options of {@link verifyState}.
 *
 * @inline
 */
export interface VerifyStateOptions {
  /** The state the callback received; `undefined` when it had none. */
  state: string | null | undefined;
  /** The nonce this browser kept (e.g. from the cookie); `undefined` when there is none. */
  nonce: string | null | undefined;
  /** `state.secret`: every secret in the list is tried. */
  secret: string | readonly string[];
  /** Clock in milliseconds since the epoch; default `Date.now`. */
  now?: (() => number) | undefined;
}

/**
 * What a valid state carried.
 *
 * @inline
 */
export interface VerifiedState {
  /** The same-site path to go back to, if the login was started with one. */
  returnTo: string | undefined;
  /** An id unique to this login (the nonce's hash), for single-use bookkeeping. */
  id: string;
  /** When the state expires, in milliseconds since the epoch. */
  expiresAt: number;
}

/** `ERR_STATE_MISSING`: the callback has no state, or the browser no nonce. */
export function stateMissing(what: string): AppleMusicAuthError {
  return new AppleMusicAuthError(
    'ERR_STATE_MISSING',
    `The login state is missing (${what}): the login must start at the login route, in this ` +
      'browser, and cookies must be enabled. Start the login again from the login route.',
  );
}

/** `ERR_STATE_MALFORMED`: the state is not one this library issued, or was altered. */
export function stateMalformed(what: string): AppleMusicAuthError {
  return new AppleMusicAuthError(
    'ERR_STATE_MALFORMED',
    `The login state is malformed: ${what}. Start the login again from the login route.`,
  );
}

/** `ERR_STATE_EXPIRED`: the login took longer than the state's lifetime. */
export function stateExpired(): AppleMusicAuthError {
  return new AppleMusicAuthError(
    'ERR_STATE_EXPIRED',
    'The login state has expired: the login took longer than allowed (10 minutes unless ' +
      'the `state.maxAge` option says otherwise). Start the login again.',
  );
}

/** `ERR_STATE_MISMATCH`: a valid state that belongs to another browser or attempt. */
export function stateMismatch(): AppleMusicAuthError {
  return new AppleMusicAuthError(
    'ERR_STATE_MISMATCH',
    'The login state does not match this browser: the callback does not continue a login ' +
      'this browser started. Start the login again from the login route.',
  );
}

/** `ERR_STATE_REPLAYED`: a state that already finished a login is posted again. */
export function stateReplayed(): AppleMusicAuthError {
  return new AppleMusicAuthError(
    'ERR_STATE_REPLAYED',
    'This login state was already used: a state finishes one login only. Start the login ' +
      'again from the login route.',
  );
}

/** A base64url part of a compact JWS as a JSON object, or `undefined` when it is not one. */
function decodeObject(part: string): Record<string, unknown> | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(part)) return undefined;
  try {
    // atob gives one character per byte: ASCII JSON (every state this library
    // makes) parses as it is, saving a TextDecoder call per state.
    const binary = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
    const text = /^[\0-\x7f]*$/.test(binary)
      ? binary
      : decoder.decode(Uint8Array.from(binary, (char) => char.charCodeAt(0)));
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch /* Stryker disable next-line BlockStatement: the block returns undefined, as an empty one does */ {
    return undefined;
  }
}

/**
 * Checks a compact HS256 JWS under each secret in turn, then the claims of a
 * login state (`typ`, `iat`, `exp`, `nh`), and returns them.
 */
function verifySignature(
  state: string,
  secrets: readonly string[],
  currentDate: Date,
): Record<string, unknown> {
  const parts = state.split('.');
  const header =
    parts.length !== 3
      ? undefined
      : // Stryker disable next-line ConditionalExpression: the state's own header decodes to the same fields: comparing it only saves decoding it
        parts[0] === STATE_HEADER
        ? STATE_HEADER_FIELDS
        : decodeObject(parts[0] as string);
  if (header === undefined) throw stateMalformed('it is not a signed login state (compact JWT)');
  if (header.alg !== 'HS256') throw stateMalformed('it is not signed with HS256');
  const [encodedHeader, encodedPayload, given] = parts as [string, string, string];
  const signingInput = `${encodedHeader}.${encodedPayload}`;
  if (!secrets.some((secret) => constantTimeEqual(signature(signingInput, secret), given))) {
    throw stateMalformed(
      'its signature does not verify: it was altered, or signed with a secret no longer in `state.secret`',
    );
  }
  const claims = decodeObject(encodedPayload);
  if (claims === undefined) throw stateMalformed('it is not a signed login state (compact JWT)');
  const problem =
    header.typ !== STATE_TYPE
      ? 'unexpected "typ" header'
      : ['iat', 'exp', 'nh'].find((name) => claims[name] === undefined);
  if (problem !== undefined) {
    const detail = problem.includes(' ') ? problem : `missing required "${problem}" claim`;
    throw stateMalformed(`its claims are not those of a login state (${detail})`);
  }
  if (typeof claims.iat !== 'number' || typeof claims.exp !== 'number') {
    throw stateMalformed('its claims are not those of a login state (iat and exp must be numbers)');
  }
  if (claims.exp <= Math.floor(currentDate.getTime() / 1000)) throw stateExpired();
  return claims;
}

/**
 * Checks a state from the callback against the nonce this browser kept, and
 * returns the `returnTo` it carries. Every secret of a rotation list verifies.
 *
 * @throws AppleMusicAuthError (status 400) with code
 *   - `ERR_STATE_MISSING`: no state or no nonce (login not started here, cookies off);
 *   - `ERR_STATE_MALFORMED`: not a JWT, wrong algorithm, missing claims, or a
 *     signature that fails under every secret (altered, or the secret was retired);
 *   - `ERR_STATE_EXPIRED`: older than its lifetime;
 *   - `ERR_STATE_MISMATCH`: valid, but made for another nonce (another browser or attempt).
 *   `ERR_INVALID_OPTIONS` for a bad `secret` or `now`.
 */
export async function verifyState(options: VerifyStateOptions): Promise<VerifiedState> {
  const secrets = assertStateSecret(options.secret, 'secret');
  const now = clockOption('now', options.now);
  return checkState(options, secrets, now);
}

/**
 * {@link verifyState} with the secrets and the clock checked once, for the
 * cookie store's callbacks; throws the same state errors.
 */
export async function checkState(
  options: Pick<VerifyStateOptions, 'state' | 'nonce'>,
  secrets: readonly string[],
  now: () => number,
): Promise<VerifiedState> {
  const { state, nonce } = options;
  if (state === undefined || state === null || state === '') {
    throw stateMissing('the callback carried no state');
  }
  if (nonce === undefined || nonce === null || nonce === '') {
    throw stateMissing('this browser sent no state cookie');
  }
  if (typeof state !== 'string' || state.length > MAX_STATE_LENGTH) {
    throw stateMalformed('it is not a signed login state (compact JWT)');
  }
  if (typeof nonce !== 'string' || nonce.length > MAX_NONCE_LENGTH) {
    throw stateMalformed('the nonce kept by this browser is not one this library made');
  }
  const claims = verifySignature(state, secrets, new Date(now()));
  const { nh, rt, exp } = claims;
  if (typeof nh !== 'string') throw stateMalformed('its nonce hash is not a string');
  // Stryker disable next-line ConditionalExpression: a non-string rt also differs from safeReturnTo(rt), which is undefined for it; and rt undefined passes either way
  if (rt !== undefined && (typeof rt !== 'string' || rt !== safeReturnTo(rt))) {
    throw stateMalformed('its returnTo is not a same-site path');
  }
  if (!constantTimeEqual(nh, hashNonce(nonce))) throw stateMismatch();
  return { returnTo: rt, id: nh, expiresAt: (exp as number) * 1000 };
}

/** `normalizeReturnTo` that answers `undefined` instead of throwing. */
function safeReturnTo(value: string): string | undefined {
  try {
    return normalizeReturnTo(value);
  } catch /* Stryker disable next-line BlockStatement: the block returns undefined, as an empty one does */ {
    return undefined;
  }
}
