import { SignJWT } from 'jose';
import { describeValue } from '../checks/describe-value.js';
import { invalidOptions } from '../errors.js';
import { isLoopbackHost } from '../http/http-url.js';
import { importPrivateKey, type PrivateKeyInput } from './keys.js';

/**
 * The longest developer token this library signs: 180 days. Apple documents
 * 15777000 s (about six months) as the maximum, but tokens at exactly that
 * lifetime have been refused, so the cap keeps a margin.
 */
export const MAX_DEVELOPER_TOKEN_LIFETIME_SECONDS = 15_552_000;

/**
 * What {@link signDeveloperToken} needs.
 *
 * @inline
 */
export interface SignDeveloperTokenOptions {
  /** Your Apple Developer Team ID: 10 uppercase letters and digits. */
  teamId: string;
  /** The ID of your MusicKit key: 10 uppercase letters and digits. */
  keyId: string;
  /** The `.p8` key in any form core reads (see `PrivateKeyInput`). */
  privateKey: PrivateKeyInput;
  /**
   * Lifetime: seconds, or a string such as `'180d'`, `'2 days'`, `'12h'`,
   * `'30m'`, `'3600s'` or `'3600'` (the `ms` package's spellings). Default
   * and maximum `'180d'`.
   */
  expiresIn?: number | string;
  /**
   * Web origins allowed to use the token (the `origin` claim), e.g.
   * `['https://app.example']`; for tokens that reach a browser.
   */
  origins?: readonly string[];
  /** The signing time (default: now). */
  now?: Date;
}

/** A Team ID or Key ID as Apple shows it: exactly 10 uppercase letters and digits. */
export const APPLE_ID_PATTERN = /^[A-Z0-9]{10}$/;

/**
 * Seconds per unit, under every spelling the `ms` package (vercel/ms) reads,
 * which is what `jsonwebtoken`'s `expiresIn` and configs written for it use.
 * Years are read only to say they are too long.
 */
const UNIT_SECONDS: Readonly<Record<string, number>> = {
  ...spellings(0.001, ['ms', 'msec', 'msecs', 'millisecond', 'milliseconds']),
  ...spellings(1, ['s', 'sec', 'secs', 'second', 'seconds']),
  ...spellings(60, ['m', 'min', 'mins', 'minute', 'minutes']),
  ...spellings(3600, ['h', 'hr', 'hrs', 'hour', 'hours']),
  ...spellings(86_400, ['d', 'day', 'days']),
  ...spellings(604_800, ['w', 'week', 'weeks']),
  ...spellings(31_557_600, ['y', 'yr', 'yrs', 'year', 'years']),
};

/** A lifetime as a string: an amount (decimals allowed), optional spaces, an optional unit. */
const LIFETIME_TEXT = /^(\d+(?:\.\d+)?|\.\d+)\s*([a-z]+)?$/i;

/**
 * Signs an Apple Music developer token: an ES256 JWT with header
 * `{ alg: 'ES256', kid }` and claims `iss`, `iat`, `exp` and, when origins
 * are given, `origin`. Rejects with `ERR_INVALID_OPTIONS` or
 * `ERR_INVALID_KEY` naming what to fix.
 */
export async function signDeveloperToken(options: SignDeveloperTokenOptions): Promise<string> {
  const { teamId, keyId, lifetimeSeconds: lifetime, origins } = checkTokenClaims(options);
  const now = options.now ?? new Date();
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
    throw invalidOptions('now', `must be a valid Date, got ${describeValue(now)}.`);
  }
  const key = await importPrivateKey(options.privateKey);
  const issuedAt = Math.floor(now.getTime() / 1000);
  const claims = origins.length > 0 ? { origin: origins } : {};
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: keyId })
    .setIssuer(teamId)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + lifetime)
    .sign(key);
}

/** A developer token's checked identity and lifetime. */
export interface TokenClaimOptions {
  teamId: string;
  keyId: string;
  lifetimeSeconds: number;
  origins: string[];
}

/**
 * Checks what every developer token is made of (the ids, `expiresIn` with
 * its 180-day default, `origins`), for `signDeveloperToken` and the token
 * cache alike. Throws `ERR_INVALID_OPTIONS` naming the field.
 */
export function checkTokenClaims(options: unknown): TokenClaimOptions {
  if (typeof options !== 'object' || options === null) {
    throw invalidOptions('options', 'pass an object with teamId, keyId and privateKey.');
  }
  const { teamId, keyId, expiresIn, origins } = options as Record<string, unknown>;
  return {
    teamId: assertAppleId('teamId', teamId),
    keyId: assertAppleId('keyId', keyId),
    lifetimeSeconds: parseExpiresIn(expiresIn ?? '180d'),
    origins: assertOrigins(origins),
  };
}

/**
 * Parses a developer token lifetime into whole seconds: a number of seconds
 * or a string in the `ms` package's spellings, such as `'180d'`, `'2 days'`,
 * `'10h'`, `'1.5h'`, `'30m'`, `'3600s'` or `'3600'` (a bare number is
 * seconds). Throws `ERR_INVALID_OPTIONS` (naming `name`) unless it is a whole
 * number of seconds from 1 second to 180 days.
 */
export function parseExpiresIn(value: unknown, name = 'expiresIn'): number {
  const limit = `at most 180 days ('180d' = ${MAX_DEVELOPER_TOKEN_LIFETIME_SECONDS} seconds), since Apple refuses longer-lived developer tokens`;
  let seconds: number | undefined;
  if (typeof value === 'number') {
    seconds = value;
  } else if (typeof value === 'string') {
    const match = LIFETIME_TEXT.exec(value.trim());
    const unit = UNIT_SECONDS[(match?.[2] ?? 's').toLowerCase()];
    if (match?.[1] !== undefined && unit !== undefined) {
      const exact = Number(match[1]) * unit;
      const rounded = Math.round(exact);
      // Stryker disable next-line EqualityOperator: a product of a decimal and a unit that lands exactly 1e-6 from an integer does not occur
      seconds = Math.abs(exact - rounded) < 1e-6 ? rounded : exact;
    }
  }
  if (seconds === undefined) {
    throw invalidOptions(
      name,
      `expected seconds (a number) or a string like '180d', '2 days', '12h', '30m' or '3600s', got ${describeValue(value)}; the lifetime is ${limit}.`,
    );
  }
  if (!Number.isInteger(seconds) || seconds <= 0) {
    throw invalidOptions(
      name,
      `must be a whole number of seconds greater than 0, got ${describeValue(value)}; the lifetime is ${limit}.`,
    );
  }
  if (seconds > MAX_DEVELOPER_TOKEN_LIFETIME_SECONDS) {
    throw invalidOptions(name, `${describeValue(value)} is too long: the lifetime is ${limit}.`);
  }
  return seconds;
}

/**
 * Checks a Team ID or Key ID: exactly 10 uppercase letters and digits.
 * Throws `ERR_INVALID_OPTIONS` naming `name` (default: `field`) and where
 * Apple shows the right value.
 */
export function assertAppleId(
  field: 'teamId' | 'keyId',
  value: unknown,
  name: string = field,
): string {
  if (typeof value === 'string' && APPLE_ID_PATTERN.test(value)) return value;
  const where =
    field === 'teamId'
      ? 'your Team ID is shown under Membership details in your Apple Developer account'
      : 'your Key ID is shown on Certificates, Identifiers & Profiles > Keys and in the file name AuthKey_<KEYID>.p8';
  let hint = '';
  if (typeof value === 'string') {
    if (APPLE_ID_PATTERN.test(value.trim())) hint = ' (remove the surrounding whitespace)';
    else if (APPLE_ID_PATTERN.test(value.toUpperCase())) hint = ' (use uppercase letters)';
  }
  throw invalidOptions(
    name,
    `must be exactly 10 uppercase letters and digits, e.g. "ABCDE12345", got ${describeValue(value)}${hint}; ${where}.`,
  );
}

/**
 * Checks the origins for a developer token's `origin` claim and returns them
 * normalised (`URL.origin`, duplicates dropped). Each must be a web origin:
 * scheme, host and optional port, no path, e.g. `'https://app.example'`;
 * `http:` only for localhost. `undefined` gives `[]`.
 */
export function assertOrigins(value: unknown, name = 'origins'): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    throw invalidOptions(
      name,
      `must be an array of web origins, e.g. ['https://app.example'], got ${describeValue(value)}.`,
    );
  }
  const origins = value.map((item, index) => assertOrigin(item, `${name}[${index}]`));
  return [...new Set(origins)];
}

/**
 * Checks one origin for a developer token's `origin` claim and returns it
 * normalised (`URL.origin`). Throws `ERR_INVALID_OPTIONS` naming `name`,
 * quoting a short value and saying what an origin looks like.
 */
export function assertOrigin(value: unknown, name: string): string {
  const problem = `must be a web origin (scheme, host and optional port, no path), e.g. 'https://app.example', got ${describeValue(value)}.`;
  if (typeof value === 'string' && /^[^\s:/?#@]+(?::\d+)?$/.test(value)) {
    throw invalidOptions(name, `${problem} Add the scheme: 'https://${value}'.`);
  }
  if (typeof value !== 'string' || !/^[a-z][a-z0-9+.-]*:\/\/[^/?#@\s]+\/?$/i.test(value)) {
    throw invalidOptions(name, problem);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalidOptions(name, problem);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw invalidOptions(name, `${problem} Use https (http only for localhost).`);
  }
  return url.origin;
}

function spellings(seconds: number, names: readonly string[]): Record<string, number> {
  return Object.fromEntries(names.map((unitName) => [unitName, seconds]));
}
