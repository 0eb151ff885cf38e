import type { Dispatcher } from 'undici';
import { APPLE_ENDPOINTS } from './apple-endpoints.js';
import { assertAppleId, assertOrigins, parseExpiresIn } from './developer-token.js';
import { RENEW_BEFORE_RANGE } from './developer-token-cache.js';
import { invalidOptions } from './errors.js';
import { parseHttpURLOption } from './http-url.js';
import { inspectPrivateKey, type PrivateKeyInput } from './keys.js';
import { clockOption, dispatcherOption, isRecord, numberOption } from './option-checks.js';
import { assertStateSecret } from './state.js';

/** Everything `createAppleMusicAuth` takes. Only the first five are required. */
export interface AppleMusicAuthOptions {
  /** Your Apple Developer Team ID: 10 uppercase letters and digits (Membership page). */
  teamId: string;
  /** The ID of your MusicKit key: 10 uppercase letters and digits (Keys page). */
  keyId: string;
  /** The `.p8` key text (mangled newlines are fine), a `CryptoKey`, a Node `KeyObject` or a JWK. */
  privateKey: PrivateKeyInput;
  /** Absolute URL of your callback route, where the bridge page posts the result. */
  callbackURL: string;
  /**
   * Signs the login state (at least 32 characters), or a list for rotation:
   * the first signs, all verify. Leave it out only with `stateStore: 'session'`.
   */
  stateSecret?: string | readonly string[];
  /**
   * Where the login state lives between the login page and the callback: a
   * short-lived cookie (default, needs `stateSecret`) or the framework's
   * session (adapters hand it over).
   */
  stateStore?: 'cookie' | 'session';
  /** How long a login may take, in seconds (default 600). */
  stateMaxAge?: number;
  /** What Apple's popup shows: your app's name and an https icon URL. */
  app?: { name?: string; iconURL?: string; build?: string };
  /**
   * The developer tokens this library signs and renews itself. `origins`
   * goes into the token the browser sees only; the server's own calls use a
   * token without it.
   */
  developerToken?: {
    expiresIn?: number | string;
    origins?: readonly string[];
    renewBefore?: number;
  };
  /** Check every new Music User Token with `GET /v1/me/storefront` (default `true`). */
  verifyUserToken?: boolean;
  /** `'popup'` (default) speaks Apple's popup protocol directly; `'musickit'` loads MusicKit JS v3. */
  ui?: 'popup' | 'musickit';
  /** Override Apple's URLs, e.g. with the sandbox's `authorizeURL` and `apiURL`. */
  endpoints?: { authorize?: string; api?: string; musicKitScript?: string };
  /** An undici `Dispatcher` for calls to Apple (a proxy, tests). */
  dispatcher?: Dispatcher;
  /** Total time for one call to Apple, in milliseconds (default 5000). */
  timeoutMs?: number;
  /** The clock, in milliseconds since the epoch (default `Date.now`); tests move it. */
  now?: () => number;
}

/** Options after validation, with every default filled in. */
export interface ResolvedOptions {
  teamId: string;
  keyId: string;
  privateKey: PrivateKeyInput;
  callbackURL: URL;
  stateSecret: readonly string[] | undefined;
  stateStore: 'cookie' | 'session';
  stateMaxAge: number;
  appName: string;
  appIconURL: string | undefined;
  appBuild: string;
  expiresIn: number;
  origins: string[];
  renewBefore: number;
  verifyUserToken: boolean;
  ui: 'popup' | 'musickit';
  authorizeURL: string;
  apiURL: string;
  musicKitScriptURL: string;
  dispatcher: Dispatcher | undefined;
  timeoutMs: number;
  now: () => number;
}

const KNOWN_OPTIONS: ReadonlySet<string> = new Set([
  'teamId',
  'keyId',
  'privateKey',
  'callbackURL',
  'stateSecret',
  'stateStore',
  'stateMaxAge',
  'app',
  'developerToken',
  'verifyUserToken',
  'ui',
  'endpoints',
  'dispatcher',
  'timeoutMs',
  'now',
]);

/**
 * Validates `createAppleMusicAuth`'s options once, at construction, and
 * fills in defaults. Throws `ERR_INVALID_OPTIONS` naming the first bad field,
 * or `ERR_INVALID_KEY` when `privateKey` is there but not Apple's P-256 key.
 */
export function resolveOptions(input: unknown): ResolvedOptions {
  if (!isRecord(input)) {
    throw invalidOptions(
      'options',
      'pass an object with teamId, keyId, privateKey and callbackURL.',
    );
  }
  assertKnownKeys('', input, KNOWN_OPTIONS);
  const teamId = assertAppleId('teamId', input.teamId);
  const keyId = assertAppleId('keyId', input.keyId);
  const privateKey = assertPrivateKey(input.privateKey);
  const callbackURL = parseHttpURLOption('callbackURL', input.callbackURL, 'https-or-loopback');

  const stateStore = oneOf(
    'stateStore',
    input.stateStore,
    ['cookie', 'session'] as const,
    'cookie',
  );
  let stateSecret: readonly string[] | undefined;
  if (input.stateSecret !== undefined || stateStore === 'cookie') {
    if (input.stateSecret === undefined) {
      throw invalidOptions(
        'stateSecret',
        'required with the cookie state store: give at least 32 random characters (e.g. `openssl rand -base64 32`), or use `stateStore: "session"`.',
      );
    }
    stateSecret = assertStateSecret(input.stateSecret);
  }
  const stateMaxAge = numberOption('stateMaxAge', input.stateMaxAge, {
    min: 30,
    max: 3600,
    fallback: 600,
    integer: true,
    unit: 'seconds',
  });

  const app = optionalRecord('app', input.app, ['name', 'iconURL', 'build']);
  const appName = optionalString('app.name', app.name, 100) ?? callbackURL.host;
  const appIconURL =
    app.iconURL === undefined
      ? undefined
      : parseHttpURLOption('app.iconURL', app.iconURL, 'https-or-loopback').href;
  const appBuild = optionalString('app.build', app.build, 50) ?? '1.0.0';

  const token = optionalRecord('developerToken', input.developerToken, [
    'expiresIn',
    'origins',
    'renewBefore',
  ]);
  const expiresIn = parseExpiresIn(token.expiresIn ?? '180d', 'developerToken.expiresIn');
  const origins =
    token.origins === undefined ? [] : assertOrigins(token.origins, 'developerToken.origins');
  const renewBefore = numberOption(
    'developerToken.renewBefore',
    token.renewBefore,
    RENEW_BEFORE_RANGE,
  );

  const verifyUserToken = optionalBoolean('verifyUserToken', input.verifyUserToken) ?? true;
  const ui = oneOf('ui', input.ui, ['popup', 'musickit'] as const, 'popup');

  const endpoints = optionalRecord('endpoints', input.endpoints, [
    'authorize',
    'api',
    'musicKitScript',
  ]);
  const endpoint = (name: keyof typeof APPLE_ENDPOINTS): string =>
    parseHttpURLOption(
      `endpoints.${name}`,
      endpoints[name] ?? APPLE_ENDPOINTS[name],
      'https-or-loopback',
      { query: false },
    ).href;
  const authorizeURL = endpoint('authorize');
  const apiURL = endpoint('api').replace(/\/$/, '');
  const musicKitScriptURL = endpoint('musicKitScript');

  const dispatcher = dispatcherOption('dispatcher', input.dispatcher);
  const timeoutMs = numberOption('timeoutMs', input.timeoutMs, {
    min: 100,
    max: 60_000,
    fallback: 5000,
    integer: true,
    unit: 'milliseconds',
  });
  const now = clockOption('now', input.now);

  return {
    teamId,
    keyId,
    privateKey,
    callbackURL,
    stateSecret,
    stateStore,
    stateMaxAge,
    appName,
    appIconURL,
    appBuild,
    expiresIn,
    origins,
    renewBefore,
    verifyUserToken,
    ui,
    authorizeURL,
    apiURL,
    musicKitScriptURL,
    dispatcher,
    timeoutMs,
    now,
  };
}

/**
 * A missing key is an `ERR_INVALID_OPTIONS`; a present one is inspected now,
 * so a wrong key throws `ERR_INVALID_KEY` here rather than at the first
 * request. The caller's value is kept: the token cache imports it later.
 */
function assertPrivateKey(value: unknown): PrivateKeyInput {
  if (typeof value === 'string' ? value.trim() === '' : !isRecord(value)) {
    throw invalidOptions(
      'privateKey',
      'give the text of your AuthKey_<KEYID>.p8 file (or a CryptoKey, KeyObject or JWK); on Node, `readPrivateKey(path)` from `@apple-music-auth/core/node` reads the file.',
    );
  }
  inspectPrivateKey(value);
  return value as PrivateKeyInput;
}

function optionalRecord(
  field: string,
  value: unknown,
  known: readonly string[],
): Record<string, unknown> {
  if (value === undefined) return {};
  if (!isRecord(value)) throw invalidOptions(field, 'must be an object.');
  assertKnownKeys(`${field}.`, value, new Set(known));
  return value;
}

/** Refuses option names we do not know: a typo must not silently fall back to a default. */
function assertKnownKeys(
  prefix: string,
  value: Record<string, unknown>,
  known: ReadonlySet<string>,
): void {
  for (const key of Object.keys(value)) {
    if (known.has(key)) continue;
    const hint = [...known].find((name) => name.toLowerCase() === key.toLowerCase());
    throw invalidOptions(
      `${prefix}${key}`,
      `unknown option${hint ? `; did you mean \`${prefix}${hint}\`?` : '.'}`,
    );
  }
}

function optionalString(field: string, value: unknown, maxLength: number): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '' || value.length > maxLength) {
    throw invalidOptions(field, `must be a non-empty string of at most ${maxLength} characters.`);
  }
  return value;
}

function optionalBoolean(field: string, value: unknown): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  throw invalidOptions(field, 'must be true or false.');
}

function oneOf<const T extends string>(
  field: string,
  value: unknown,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value))
    return value as T;
  throw invalidOptions(field, `must be one of ${allowed.map((a) => `"${a}"`).join(', ')}.`);
}
