import type { Dispatcher } from 'undici';
import { clockOption, dispatcherOption, isRecord, numberOption } from '../checks/option-checks.js';
import { invalidOptions } from '../errors.js';
import { parseHttpURLOption } from '../http/http-url.js';
import { assertMaxAgeSeconds, assertStateSecret } from '../state/signed-state.js';
import type { SingleUseStore } from '../state/single-use-store.js';
import {
  assertCookieName,
  assertSessionKey,
  assertSingleUseStore,
  type StateStore,
} from '../state/state-store.js';
import { assertAppleId, assertOrigins, parseExpiresIn } from '../tokens/developer-token.js';
import { RENEW_BEFORE_RANGE } from '../tokens/developer-token-cache.js';
import { readKeyFileSync } from '../tokens/key-file.js';
import { inspectPrivateKey, type PrivateKeyInput } from '../tokens/keys.js';
import { isProduction } from './environment.js';
import { resolveAppEndpoints } from './sandbox-endpoints.js';

/** Where a login's state lives between the login page and the callback, and for how long. */
export interface StateOptions {
  /**
   * Signs the login state (at least 32 characters), or a list for rotation:
   * the first signs, all verify. Required with the cookie store.
   */
  secret?: string | readonly string[];
  /**
   * `'cookie'` (default): a signed state plus a short-lived nonce cookie,
   * stateless across instances that share `secret`. `'session'`: the
   * framework's session (adapters hand it over). Or a {@link StateStore} of your own.
   */
  store?: 'cookie' | 'session' | StateStore;
  /** How long a login may take, in seconds: 30 to 3600, default 600. */
  maxAge?: number;
  /**
   * The nonce cookie's name (cookie store); default `apple_music_auth_state`,
   * with the `__Host-` prefix over https. Two apps on one host need two names.
   */
  cookieName?: string;
  /** The session key of a pending login (session store); default `appleMusicAuth`. */
  sessionKey?: string;
  /**
   * Where used states are remembered until they expire, so each finishes one
   * login only, with either store (a session in a cookie cannot do it alone).
   * Default: in memory, with room for `maxAge` x 100 states (100 logins a
   * second, 6,000 a minute, sustained); when it is full of unexpired states,
   * new logins are refused with `ERR_USED_STATES_FULL` (503) and a
   * `used-states-full` event rather than a state forgotten. A smaller or
   * larger one: `createMemorySingleUseStore({ maxEntries })`. Share one store
   * (e.g. Redis, see {@link SingleUseStore}) between instances.
   */
  usedStates?: SingleUseStore;
}

/**
 * What `onEvent` receives: plain data about the login flow, for logs and
 * metrics, never a token.
 */
export interface AppleMusicAuthEvent {
  /**
   * `used-states-full`: a login was refused with `ERR_USED_STATES_FULL`
   * (503), because the used-state store holds as many unexpired states as it
   * may (a flood of logins, or a store too small for the traffic).
   */
  type: 'used-states-full';
  /** Where it was refused: starting a login, or finishing one. */
  route: 'login' | 'callback';
}

/** Everything `createAppleMusicAuth` takes. Only the first four (and `state.secret` or `state.store`) are required. */
export interface AppleMusicAuthOptions {
  /** Your Apple Developer Team ID: 10 uppercase letters and digits (Membership page). */
  teamId: string;
  /** The ID of your MusicKit key: 10 uppercase letters and digits (Keys page). */
  keyId: string;
  /**
   * The `.p8` key text (mangled newlines are fine), a `CryptoKey`, a Node
   * `KeyObject` or a JWK. Give this or `privateKeyPath`, not both.
   */
  privateKey?: PrivateKeyInput;
  /**
   * The path of your `AuthKey_<KEYID>.p8`, read once, synchronously, by
   * `createAppleMusicAuth` (Node.js; elsewhere pass the key text as `privateKey`).
   */
  privateKeyPath?: string;
  /**
   * Your callback route, where the bridge page posts the result: an absolute
   * URL (recommended: `https://app.example/auth/apple-music/callback`), or a
   * path resolved per request against the request's origin, which must then
   * be one of `appOrigins` (see `trustProxy`).
   */
  callbackURL: string;
  /**
   * With a path `callbackURL`: the app's public origins, e.g.
   * `['https://app.example']` (https, or http on `localhost`, `127.0.0.1`,
   * `[::1]`). A request made to any other origin is answered 400 and nothing
   * is signed for it. Required when `NODE_ENV` is `production`; without it,
   * elsewhere, loopback origins only are answered. Not with an absolute
   * `callbackURL`, which names the one origin itself.
   */
  appOrigins?: readonly string[];
  /**
   * Your login route (the bridge page), as a path or an absolute URL on the
   * callback's origin; failure pages link back to it ("Try again"). Default:
   * the callback path without its last `/callback` segment, else the callback
   * path itself (one route for both, Passport style).
   */
  loginURL?: string;
  /**
   * With a path `callbackURL`, read the request's origin from the last
   * `X-Forwarded-Proto` and `X-Forwarded-Host` values, the ones the nearest
   * proxy set: set it only behind a proxy that sets both itself (overwriting
   * what the client sent). Default `false`: the `Host` header and the connection.
   */
  trustProxy?: boolean;
  /**
   * The developer-token route for MusicKit in the page, a path. Default: the
   * login path + `/developer-token` (`/auth/apple-music/developer-token`).
   */
  developerTokenPath?: string;
  /** The login state: its secret, its store, its lifetime, its cookie or session key. */
  state?: StateOptions;
  /**
   * `true`: keep the login state in the framework's session, the same as
   * `state: { store: 'session' }` (then no `state.secret` is needed).
   */
  session?: boolean;
  /** @deprecated Use `state.secret`. */
  stateSecret?: string | readonly string[];
  /** @deprecated Use `state.store`. */
  stateStore?: 'cookie' | 'session';
  /** @deprecated Use `state.maxAge`. */
  stateMaxAge?: number;
  /** What Apple's popup shows: your app's name and an https icon URL. */
  app?: { name?: string; iconURL?: string; build?: string };
  /**
   * The developer tokens this library signs and renews itself. The server's
   * own calls use a token without an `origin` claim (`expiresIn`, default
   * 180 days). The browser gets its own token, valid a day at most, whose
   * `origin` claim lists the app's origin plus `origins`; `originClaim:
   * false` leaves the claim out, only for a page that must use the token
   * from origins you cannot list.
   */
  developerToken?: {
    /** Seconds, or `'180d'`, `'12h'`, `'2 days'`; at most 180 days. */
    expiresIn?: number | string;
    /** More web origins for the browser token's `origin` claim. */
    origins?: readonly string[];
    /** Put the `origin` claim into the browser's token (default `true`). */
    originClaim?: boolean;
    /** Re-sign when less than this share of the lifetime remains (default 0.1). */
    renewBefore?: number;
  };
  /** Check every new Music User Token with `GET /v1/me/storefront` (default `true`). */
  verifyUserToken?: boolean;
  /** `'popup'` (default) speaks Apple's popup protocol directly; `'musickit'` loads MusicKit JS v3. */
  ui?: 'popup' | 'musickit';
  /**
   * Override Apple's URLs, e.g. with the sandbox's `authorizeURL` and `apiURL`.
   * Without it, `APPLE_MUSIC_SANDBOX_URL` (when set) points all three at that sandbox.
   */
  endpoints?: { authorize?: string; api?: string; musicKitScript?: string };
  /**
   * An undici `Dispatcher` for calls to Apple (a proxy, tests). Without it,
   * Node.js uses the client's own undici `Agent`, other runtimes the global `fetch`.
   */
  dispatcher?: Dispatcher;
  /** Total time for one call to Apple, in milliseconds (default 5000). */
  timeoutMs?: number;
  /** The clock, in milliseconds since the epoch (default `Date.now`); tests move it. */
  now?: () => number;
  /** Called with each {@link AppleMusicAuthEvent}; what it throws is ignored. */
  onEvent?: (event: AppleMusicAuthEvent) => void;
}

/** The state options after validation. */
export interface ResolvedStateOptions {
  secret: readonly string[] | undefined;
  store: 'cookie' | 'session' | StateStore;
  maxAge: number;
  cookieName: string;
  sessionKey: string;
  usedStates: SingleUseStore | undefined;
}

/** Options after validation, with every default filled in. */
export interface ResolvedOptions {
  teamId: string;
  keyId: string;
  privateKey: PrivateKeyInput;
  /** The absolute callback URL, or `undefined` when it is resolved per request. */
  callbackURL: URL | undefined;
  /**
   * With a path `callbackURL`, the origins it resolves to (normalized);
   * `undefined` with an absolute one, or for loopback origins only (development).
   */
  appOrigins: string[] | undefined;
  callbackPath: string;
  loginPath: string;
  developerTokenPath: string;
  trustProxy: boolean;
  state: ResolvedStateOptions;
  appName: string | undefined;
  appIconURL: string | undefined;
  appBuild: string;
  expiresIn: number;
  origins: string[];
  originClaim: boolean;
  renewBefore: number;
  verifyUserToken: boolean;
  ui: 'popup' | 'musickit';
  authorizeURL: string;
  apiURL: string;
  musicKitScriptURL: string;
  /** The line printed at creation when `APPLE_MUSIC_SANDBOX_URL` is set. */
  sandboxWarning: string | undefined;
  dispatcher: Dispatcher | undefined;
  timeoutMs: number;
  now: () => number;
  onEvent: ((event: AppleMusicAuthEvent) => void) | undefined;
}

/**
 * Every option name, once: the compiler holds this table to the public types
 * (a name missing here or not in the type fails to build), and the resolver
 * refuses any name not in it. Groups list their own names the same way.
 */
const OPTION_NAMES = {
  teamId: true,
  keyId: true,
  privateKey: true,
  privateKeyPath: true,
  callbackURL: true,
  appOrigins: true,
  loginURL: true,
  developerTokenPath: true,
  trustProxy: true,
  state: true,
  session: true,
  stateSecret: true,
  stateStore: true,
  stateMaxAge: true,
  app: true,
  developerToken: true,
  verifyUserToken: true,
  ui: true,
  endpoints: true,
  dispatcher: true,
  timeoutMs: true,
  now: true,
  onEvent: true,
} as const satisfies Record<keyof AppleMusicAuthOptions, true>;

/** The names inside each option group, held to the group's type the same way. */
const GROUP_NAMES = {
  state: {
    secret: true,
    store: true,
    maxAge: true,
    cookieName: true,
    sessionKey: true,
    usedStates: true,
  } satisfies Record<keyof StateOptions, true>,
  app: { name: true, iconURL: true, build: true } satisfies Record<
    keyof NonNullable<AppleMusicAuthOptions['app']>,
    true
  >,
  developerToken: {
    expiresIn: true,
    origins: true,
    originClaim: true,
    renewBefore: true,
  } satisfies Record<keyof NonNullable<AppleMusicAuthOptions['developerToken']>, true>,
  endpoints: { authorize: true, api: true, musicKitScript: true } satisfies Record<
    keyof NonNullable<AppleMusicAuthOptions['endpoints']>,
    true
  >,
};

const KNOWN_OPTIONS: ReadonlySet<string> = new Set(Object.keys(OPTION_NAMES));

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
  const privateKey = resolvePrivateKey(input.privateKey, input.privateKeyPath);
  const { callbackURL, callbackPath } = resolveCallbackURL(input.callbackURL);
  const appOrigins = resolveAppOrigins(input.appOrigins, callbackURL);
  const loginPath = resolveLoginPath(input.loginURL, callbackURL, callbackPath);
  const developerTokenPath =
    input.developerTokenPath === undefined
      ? `${loginPath.replace(/\/$/, '')}/developer-token`
      : routePath('developerTokenPath', input.developerTokenPath);
  const trustProxy = optionalBoolean('trustProxy', input.trustProxy) ?? false;
  const state = resolveStateOptions(input);

  const app = optionalRecord('app', input.app);
  const appName = optionalString('app.name', app.name, 100) ?? callbackURL?.host;
  const appIconURL =
    app.iconURL === undefined
      ? undefined
      : parseHttpURLOption('app.iconURL', app.iconURL, 'https-or-loopback').href;
  const appBuild = optionalString('app.build', app.build, 50) ?? '1.0.0';

  const token = optionalRecord('developerToken', input.developerToken);
  const expiresIn = parseExpiresIn(token.expiresIn ?? '180d', 'developerToken.expiresIn');
  const origins =
    token.origins === undefined ? [] : assertOrigins(token.origins, 'developerToken.origins');
  const originClaim = optionalBoolean('developerToken.originClaim', token.originClaim) ?? true;
  const renewBefore = numberOption(
    'developerToken.renewBefore',
    token.renewBefore,
    RENEW_BEFORE_RANGE,
  );

  const verifyUserToken = optionalBoolean('verifyUserToken', input.verifyUserToken) ?? true;
  const ui = oneOf('ui', input.ui, ['popup', 'musickit'] as const, 'popup');

  const endpoints = optionalRecord('endpoints', input.endpoints);
  const { authorizeURL, apiURL, musicKitScriptURL, sandboxWarning } =
    resolveAppEndpoints(endpoints);

  const dispatcher = dispatcherOption('dispatcher', input.dispatcher);
  const timeoutMs = numberOption('timeoutMs', input.timeoutMs, {
    min: 100,
    max: 60_000,
    fallback: 5000,
    integer: true,
    unit: 'milliseconds',
  });
  const now = clockOption('now', input.now);
  if (input.onEvent !== undefined && typeof input.onEvent !== 'function') {
    throw invalidOptions('onEvent', 'must be a function that receives each event.');
  }
  const onEvent = input.onEvent as ResolvedOptions['onEvent'];

  return {
    teamId,
    keyId,
    privateKey,
    callbackURL,
    appOrigins,
    callbackPath,
    loginPath,
    developerTokenPath,
    trustProxy,
    state,
    appName,
    appIconURL,
    appBuild,
    expiresIn,
    origins,
    originClaim,
    renewBefore,
    verifyUserToken,
    ui,
    authorizeURL,
    apiURL,
    musicKitScriptURL,
    sandboxWarning,
    dispatcher,
    timeoutMs,
    now,
    onEvent,
  };
}

/**
 * `callbackURL`: an absolute URL (https, or http on loopback) without a
 * fragment, or a path starting with a single `/`.
 */
function resolveCallbackURL(value: unknown): {
  callbackURL: URL | undefined;
  callbackPath: string;
} {
  if (typeof value === 'string' && value.startsWith('/') && !value.startsWith('//')) {
    return { callbackURL: undefined, callbackPath: assertPath('callbackURL', value) };
  }
  const callbackURL = parseHttpURLOption('callbackURL', value, 'https-or-loopback');
  return { callbackURL, callbackPath: callbackURL.pathname };
}

/**
 * `appOrigins`: a non-empty list of web origins, only with a path
 * `callbackURL`; required with one when `NODE_ENV` is `production`.
 */
function resolveAppOrigins(value: unknown, callbackURL: URL | undefined): string[] | undefined {
  if (callbackURL !== undefined) {
    if (value === undefined) return undefined;
    throw invalidOptions(
      'appOrigins',
      `goes with a path callbackURL: the absolute callbackURL already names the app's origin (${callbackURL.origin}). Give one or the other.`,
    );
  }
  if (value === undefined) {
    if (!isProduction()) return undefined;
    throw invalidOptions(
      'appOrigins',
      "is required with a path callbackURL when NODE_ENV is production: list the origins the app is served at, e.g. ['https://app.example'], or give an absolute callbackURL. A request made to any other origin is refused.",
    );
  }
  const origins = assertOrigins(value, 'appOrigins');
  if (origins.length === 0) {
    throw invalidOptions(
      'appOrigins',
      "must list at least one origin, e.g. ['https://app.example'].",
    );
  }
  return origins;
}

/** `loginURL`: a path, or an absolute URL on the callback's origin; stored as its path. */
function resolveLoginPath(
  value: unknown,
  callbackURL: URL | undefined,
  callbackPath: string,
): string {
  if (value === undefined) return /^(.+)\/callback\/?$/.exec(callbackPath)?.[1] ?? callbackPath;
  if (typeof value === 'string' && value.startsWith('/') && !value.startsWith('//')) {
    return assertPath('loginURL', value);
  }
  const url = parseHttpURLOption('loginURL', value, 'https-or-loopback', { query: false });
  if (callbackURL !== undefined && url.origin !== callbackURL.origin) {
    throw invalidOptions(
      'loginURL',
      `must be on the callback's origin (${callbackURL.origin}), got ${url.origin}; give a path such as '/auth/apple-music'.`,
    );
  }
  return url.pathname;
}

/** A route that is only ever a path (the developer-token route): starts with one `/`. */
function routePath(field: string, value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//')) {
    throw invalidOptions(
      field,
      "must be a path starting with one '/', e.g. '/auth/apple-music/developer-token'.",
    );
  }
  return assertPath(field, value);
}

/** A route path: starts with one `/`, no query, fragment, backslash, whitespace or control characters. */
function assertPath(field: string, value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
  if (value.length > 1024 || /[?#\\\s\u0000-\u001f\u007f]/u.test(value)) {
    throw invalidOptions(
      field,
      "must be an absolute URL or a path such as '/auth/apple-music/callback' (no query, fragment, backslash or whitespace).",
    );
  }
  return new URL(value, 'https://path.invalid').pathname;
}

/** The `state` group, with the deprecated flat `stateSecret`/`stateStore`/`stateMaxAge` folded in. */
function resolveStateOptions(input: Record<string, unknown>): ResolvedStateOptions {
  const group = optionalRecord('state', input.state);
  const pick = (name: string, flat: string): [unknown, string] => {
    if (group[name] !== undefined && input[flat] !== undefined) {
      throw invalidOptions(flat, `is the deprecated spelling of \`state.${name}\`: give only one.`);
    }
    return input[flat] !== undefined ? [input[flat], flat] : [group[name], `state.${name}`];
  };
  const [givenStore, givenField] = pick('store', 'stateStore');
  const session = optionalBoolean('session', input.session) ?? false;
  if (session && givenStore !== undefined && givenStore !== 'session') {
    throw invalidOptions(
      'session',
      `keeps the state in the session (\`state.store: 'session'\`): drop \`${givenField}\`, or drop \`session\`.`,
    );
  }
  const [storeValue, storeField] = session ? ['session', 'session'] : [givenStore, givenField];
  const store =
    typeof storeValue === 'object' && storeValue !== null
      ? assertStateStore(storeField, storeValue)
      : oneOf(storeField, storeValue, ['cookie', 'session'] as const, 'cookie');
  const [secretValue, secretField] = pick('secret', 'stateSecret');
  if (secretValue === undefined && store === 'cookie') {
    throw invalidOptions(
      secretField,
      'required with the cookie state store: give at least 32 random characters (e.g. `openssl rand -base64 32`), or use `state: { store: "session" }`.',
    );
  }
  const secret =
    secretValue === undefined ? undefined : assertStateSecret(secretValue, secretField);
  const [maxAgeValue, maxAgeField] = pick('maxAge', 'stateMaxAge');
  const maxAge = assertMaxAgeSeconds(maxAgeValue, maxAgeField);
  const now = clockOption('now', input.now);
  return {
    secret,
    store,
    maxAge,
    cookieName: assertCookieName('state.cookieName', group.cookieName),
    sessionKey: assertSessionKey('state.sessionKey', group.sessionKey),
    usedStates:
      group.usedStates === undefined
        ? undefined
        : assertSingleUseStore('state.usedStates', group.usedStates, now, maxAge),
  };
}

/** A custom {@link StateStore}: an object with `issue`, `consume` and `clearingSetCookies`. */
function assertStateStore(field: string, value: object): StateStore {
  const store = value as Partial<Record<keyof StateStore, unknown>>;
  if (
    typeof store.issue !== 'function' ||
    typeof store.consume !== 'function' ||
    typeof store.clearingSetCookies !== 'function'
  ) {
    throw invalidOptions(
      field,
      "must be 'cookie', 'session', or a StateStore object with issue(), consume() and clearingSetCookies().",
    );
  }
  return value as StateStore;
}

/**
 * Exactly one of `privateKey` and `privateKeyPath`; the file is read now.
 * A missing key is an `ERR_INVALID_OPTIONS`; a present one is inspected now,
 * so a wrong key throws `ERR_INVALID_KEY` here rather than at the first
 * request. The caller's value is kept: the token cache imports it later.
 */
function resolvePrivateKey(value: unknown, path: unknown): PrivateKeyInput {
  if (path !== undefined) {
    if (value !== undefined) {
      throw invalidOptions('privateKey', 'give exactly one of `privateKey` and `privateKeyPath`.');
    }
    return readKeyFileSync(path, 'privateKeyPath');
  }
  if (typeof value === 'string' ? value.trim() === '' : !isRecord(value)) {
    throw invalidOptions(
      'privateKey',
      'give the text of your AuthKey_<KEYID>.p8 file (or a CryptoKey, KeyObject or JWK), or its path as `privateKeyPath`; on Node, `readPrivateKey(path)` from `@apple-music-auth/core/node` reads the file too.',
    );
  }
  inspectPrivateKey(value);
  return value as PrivateKeyInput;
}

/** An option group (`state`, `app`, ...): an object of the names {@link GROUP_NAMES} lists. */
function optionalRecord(field: keyof typeof GROUP_NAMES, value: unknown): Record<string, unknown> {
  if (value === undefined) return {};
  if (!isRecord(value)) throw invalidOptions(field, 'must be an object.');
  assertKnownKeys(`${field}.`, value, new Set(Object.keys(GROUP_NAMES[field])));
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
