import { parse, serialize } from 'cookie';
import { clockOption } from '../checks/option-checks.js';
import { constantTimeEqual } from '../crypto/constant-time.js';
import { invalidOptions } from '../errors.js';
import { normalizeReturnTo } from '../http/return-to.js';
import {
  assertMaxAgeSeconds,
  assertStateSecret,
  checkState,
  createNonce,
  hashNonce,
  signState,
  stateExpired,
  stateMalformed,
  stateMismatch,
  stateMissing,
  stateReplayed,
} from './signed-state.js';
import {
  createMemorySingleUseStore,
  type SingleUseStore,
  USED_STATES_PER_SECOND,
  usedStatesFull,
} from './single-use-store.js';

/**
 * Per-request access to the framework's session (e.g. `request.session`).
 * `@fastify/session` and `@fastify/secure-session` fit as they are; wrap a
 * plain session object (express-session, koa-session) with
 * {@link sessionFromObject}. Removing a value is `set(key, undefined)`: this
 * library never calls a session's `delete()`, which in
 * `@fastify/secure-session` wipes the whole session.
 */
export interface SessionAccess {
  /** Reads a value stored in the session. */
  get(key: string): unknown;
  /** Stores a value (it must survive until the callback), or removes it when `undefined`. */
  set(key: string, value: unknown): void;
  /**
   * Gives the session a new id and keeps its values (session fixation:
   * whoever planted the old session cookie must not share the signed-in
   * session); it may return a promise. With `state.store: 'session'` a
   * successful callback calls it before the app sees the result. Not the
   * session packages' own `regenerate()`, which may drop the values: the
   * adapters set it for koa-session (its `regenerate()` keeps them) and
   * `@fastify/session`; a session sealed in its cookie
   * (`@fastify/secure-session`) has no id to renew, and Passport's
   * `req.login` regenerates by itself.
   */
  renewId?(): unknown;
}

/**
 * What a state store needs from the current request.
 *
 * @inline
 */
export interface StateStoreRequest {
  /** The request's `Cookie` header (cookie store). */
  cookieHeader?: string | null | undefined;
  /** The framework's session (session store). */
  session?: SessionAccess | undefined;
  /** True when the app is reached over https: the cookie is then a `__Host-` cookie. */
  secure: boolean;
}

/**
 * A state for the bridge page, and the cookies to set with it.
 *
 * @inline
 */
export interface IssuedState {
  /** The state to put into the bridge page; it comes back in the callback body. */
  state: string;
  /** `Set-Cookie` header values to send with the bridge page. */
  setCookies: string[];
}

/**
 * A state that the callback proved to own.
 *
 * @inline
 */
export interface ConsumedState {
  /** The same-site path to go back to, if the login was started with one. */
  returnTo: string | undefined;
}

/**
 * Where a login keeps the proof that it started in this browser: a signed
 * state plus a nonce cookie (the cookie store), the framework's
 * session (the session store), or a store of your own.
 *
 * Every callback response, whatever its outcome, carries
 * {@link StateStore.clearingSetCookies}, so that no login attempt leaves a
 * nonce behind; the steps add them for you.
 */
export interface StateStore {
  /**
   * Starts a login: makes a state for the bridge page and what the browser must keep.
   *
   * @throws AppleMusicAuthError `ERR_USED_STATES_FULL` (503) when the
   *   used-state store has no room for one more login.
   */
  issue(
    request: StateStoreRequest,
    options: { returnTo?: string | undefined },
  ): Promise<IssuedState>;
  /**
   * Checks that `state` continues a login this browser started, and uses it up.
   *
   * @throws AppleMusicAuthError `ERR_STATE_MISSING`, `ERR_STATE_MALFORMED`,
   *   `ERR_STATE_EXPIRED`, `ERR_STATE_MISMATCH` or `ERR_STATE_REPLAYED`;
   *   `ERR_USED_STATES_FULL` when the used-state store cannot remember it.
   */
  consume(request: StateStoreRequest, state: unknown): Promise<ConsumedState>;
  /**
   * `Set-Cookie` values that end the pending login in the browser (none for
   * the session store). Sent with every callback response.
   */
  clearingSetCookies(request: StateStoreRequest): string[];
}

/** The cookie name used by default. */
export const DEFAULT_STATE_COOKIE_NAME = 'apple_music_auth_state';

/** The session key used by default. */
export const DEFAULT_STATE_SESSION_KEY = 'appleMusicAuth';

/** A cookie name: an RFC 6265 token. */
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** The `__Secure-` prefix, matched without regard to case as newer browsers do. */
const SECURE_PREFIX = /^__secure-/i;

/** The `__Host-` prefix in any case; older browsers honour it only as `__Host-`. */
const HOST_PREFIX = /^__host-/i;

/** A cookie path: starts with '/', visible ASCII and spaces, no ';'. */
const COOKIE_PATH = /^\/[\u0020-\u003a\u003c-\u007e]*$/;

/** Options of {@link createCookieStateStore}. */
export interface CookieStateStoreOptions {
  /** `state.secret`: one secret of 32+ characters, or a list (the first signs, all verify). */
  secret: string | readonly string[];
  /**
   * Name of the nonce cookie; default `apple_music_auth_state`. Over
   * https it gets the `__Host-` prefix (Secure, `Path=/`, no Domain), which no
   * sibling subdomain can set; over http (local development) it is used as
   * given, scoped to `cookiePath`. A name that already has the `__Host-`
   * prefix is used as it is, and needs https. A `__Secure-` name is refused:
   * a sibling subdomain can set such a cookie for the whole site.
   */
  cookieName?: string | undefined;
  /** The callback's path, e.g. `/auth/apple-music/callback`: the http cookie goes there only. */
  cookiePath: string;
  /** Lifetime of the state and the cookie in seconds; default 600. */
  maxAgeSeconds?: number | undefined;
  /** Where used states are remembered; default in memory, room for `maxAgeSeconds` x 100. */
  usedStates?: SingleUseStore | undefined;
  /** Clock in milliseconds since the epoch; default `Date.now`. */
  now?: (() => number) | undefined;
}

/**
 * The stateless store: `issue` puts a random nonce into an HttpOnly,
 * SameSite=Lax cookie (a `__Host-` cookie over https) and returns a signed,
 * expiring state that carries the nonce's hash; `consume` reads the cookie,
 * checks the state against it (`verifyState`'s checks), and marks it used in
 * `usedStates`, so a replay is refused with `ERR_STATE_REPLAYED`. Every
 * instance that shares the secret can finish a login another started.
 *
 * @throws AppleMusicAuthError `ERR_INVALID_OPTIONS` naming the bad option.
 */
export function createCookieStateStore(options: CookieStateStoreOptions): StateStore {
  if (typeof options !== 'object' || options === null) {
    // Stryker disable next-line StringLiteral: message wording only
    throw invalidOptions('options', 'expected an object with `secret` and `cookiePath`.');
  }
  const secret = assertStateSecret(options.secret, 'secret');
  const maxAgeSeconds = assertMaxAgeSeconds(options.maxAgeSeconds, 'maxAgeSeconds');
  const now = clockOption('now', options.now);
  const cookieName = assertCookieName('cookieName', options.cookieName);
  const usedStates = assertSingleUseStore('usedStates', options.usedStates, now, maxAgeSeconds);
  const { cookiePath } = options;
  if (typeof cookiePath !== 'string' || !COOKIE_PATH.test(cookiePath)) {
    throw invalidOptions(
      'cookiePath',
      "expected the callback's path, such as '/auth/apple-music/callback' (starts with '/', no ';' or control characters).",
    );
  }
  const hostPrefixed = cookieName.startsWith('__Host-');
  // Checked once, here: each login and callback signs and verifies with them as they are.
  const signing = { signingSecret: secret[0] as string, maxAgeSeconds, now };

  /** The cookie's name and scope for this request: `__Host-` over https, as given over http. */
  const scope = (request: StateStoreRequest): { name: string; path: string; secure: boolean } => {
    if (request.secure !== true) {
      if (hostPrefixed) {
        throw invalidOptions(
          'cookieName',
          `'${cookieName}' needs https, but this request came over http: serve the app over https (behind a proxy, trust its X-Forwarded-Proto) or use a name without the prefix.`,
        );
      }
      return { name: cookieName, path: cookiePath, secure: false };
    }
    const name = hostPrefixed ? cookieName : `__Host-${cookieName}`;
    return { name, path: '/', secure: true };
  };
  /** The attributes after `name=value`, serialized once per scope and lifetime. */
  const attributes = new Map<string, string>();
  /** A state cookie; `value` is a base64url nonce or empty, which need no encoding. */
  const cookie = (request: StateStoreRequest, value: string, maxAge: number): string => {
    const { name, path, secure } = scope(request);
    const key = `${secure}:${maxAge}`;
    let rest = attributes.get(key);
    if (rest === undefined) {
      const options = { httpOnly: true, sameSite: 'lax', secure, path, maxAge } as const;
      rest = serialize(name, '', options).slice(name.length + 1);
      attributes.set(key, rest);
    }
    return `${name}=${value}${rest}`;
  };

  return {
    async issue(request, { returnTo }) {
      if (await usedStates.isFull?.()) throw usedStatesFull();
      const nonce = createNonce();
      const state = await signState(signing, nonce, returnTo);
      return { state, setCookies: [cookie(request, nonce, maxAgeSeconds)] };
    },
    async consume(request, state) {
      const { name } = scope(request);
      const nonce =
        typeof request.cookieHeader === 'string' ? parse(request.cookieHeader)[name] : undefined;
      const verified = await checkState({ state: state as string | undefined, nonce }, secret, now);
      const ttlSeconds = Math.ceil((verified.expiresAt - now()) / 1000);
      if (!(await usedStates.consume(verified.id, ttlSeconds))) throw stateReplayed();
      return { returnTo: verified.returnTo };
    },
    clearingSetCookies: (request) => [cookie(request, '', 0)],
  };
}

/**
 * Checks a state cookie name: an RFC 6265 token, default
 * `apple_music_auth_state`, not starting with `__Secure-` (in any case): a
 * page on a sibling subdomain can set a `__Secure-` cookie for the whole
 * site, so such a name would let it plant a nonce. The store gives the name
 * the `__Host-` prefix over https itself; a given `__Host-` prefix must be
 * spelt so, since older browsers compare prefixes case-sensitively.
 */
export function assertCookieName(field: string, value: unknown): string {
  if (value === undefined) return DEFAULT_STATE_COOKIE_NAME;
  if (typeof value !== 'string' || !COOKIE_NAME.test(value)) {
    throw invalidOptions(
      field,
      // Stryker disable next-line StringLiteral: message wording only
      `expected a cookie name made of letters, digits and !#$%&'*+-.^_\`|~, such as '${DEFAULT_STATE_COOKIE_NAME}'.`,
    );
  }
  if (SECURE_PREFIX.test(value)) {
    throw invalidOptions(
      field,
      `'${value}' starts with __Secure-, which a sibling subdomain can set for this whole site: give the name without a prefix (over https the store makes it a __Host- cookie, which only this host can set).`,
    );
  }
  if (HOST_PREFIX.test(value) && !value.startsWith('__Host-')) {
    throw invalidOptions(field, `write the prefix of '${value}' as __Host-, or leave it out.`);
  }
  return value;
}

/**
 * The used-state store a state store makes when given none: in memory, with
 * room for {@link USED_STATES_PER_SECOND} logins a second, sustained, as each
 * used state is remembered for at most `maxAgeSeconds`.
 */
export function defaultUsedStates(maxAgeSeconds: number, now: () => number): SingleUseStore {
  return createMemorySingleUseStore({ maxEntries: maxAgeSeconds * USED_STATES_PER_SECOND, now });
}

/** Checks a {@link SingleUseStore} option; `undefined` gives {@link defaultUsedStates}. */
export function assertSingleUseStore(
  field: string,
  value: unknown,
  now: () => number,
  maxAgeSeconds: number,
): SingleUseStore {
  if (value === undefined) return defaultUsedStates(maxAgeSeconds, now);
  if (
    typeof value !== 'object' ||
    value === null ||
    typeof (value as { consume?: unknown }).consume !== 'function' ||
    !['undefined', 'function'].includes(typeof (value as { isFull?: unknown }).isFull)
  ) {
    throw invalidOptions(
      field,
      // Stryker disable next-line StringLiteral: message wording only
      'expected an object with `consume(id, ttlSeconds)` answering whether the id was fresh, and optionally `isFull()` (see SingleUseStore).',
    );
  }
  return value as SingleUseStore;
}

/** Options of {@link createSessionStateStore}. */
export interface SessionStateStoreOptions {
  /** The session key that holds the pending login; default `appleMusicAuth`. */
  key?: string | undefined;
  /** Lifetime of a pending login in seconds; default 600. */
  maxAgeSeconds?: number | undefined;
  /**
   * Where used states are remembered as well as in the session; default in
   * memory, room for `maxAgeSeconds` x 100. A session stored in a cookie, or two requests
   * that each read their own copy of the session, cannot make a state
   * single-use by themselves: this store does.
   */
  usedStates?: SingleUseStore | undefined;
  /** Clock in milliseconds since the epoch; default `Date.now`. */
  now?: (() => number) | undefined;
}

/** What the session store keeps under its key (JSON-safe, for any session backend). */
interface PendingLogin {
  state: string;
  returnTo?: string;
  expiresAt: number;
}

/** What it keeps after a login finished, until that state would have expired: proof of use. */
interface UsedLogin {
  used: string;
  expiresAt: number;
}

const NO_SESSION =
  "the session state store needs the request's session: a session middleware (e.g. express-session, @fastify/session, koa-session) must run before the login and callback routes, or give `state.secret` to use the cookie store instead.";

function requireSession(request: StateStoreRequest): SessionAccess {
  const { session } = request;
  if (
    typeof session !== 'object' ||
    session === null ||
    typeof session.get !== 'function' ||
    typeof session.set !== 'function'
  ) {
    throw invalidOptions('session', NO_SESSION);
  }
  return session;
}

/** Reads what the session holds under the key: a pending login, a used one, or nothing. */
function readStored(value: unknown): PendingLogin | UsedLogin | undefined {
  if (value === undefined || value === null) return undefined;
  // Stryker disable next-line StringLiteral: message wording only
  const malformed = () => stateMalformed('the session holds something else under its key');
  if (typeof value !== 'object') throw malformed();
  const { state, used, returnTo, expiresAt } = value as Record<string, unknown>;
  // Stryker disable next-line ConditionalExpression: Number.isFinite is false for every non-number, so the typeof test alone changes nothing
  if (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt)) throw malformed();
  if (typeof used === 'string') return { used, expiresAt };
  if (
    typeof state !== 'string' ||
    (returnTo !== undefined && returnTo !== null && typeof returnTo !== 'string')
  ) {
    throw malformed();
  }
  return typeof returnTo === 'string' ? { state, returnTo, expiresAt } : { state, expiresAt };
}

/**
 * The session store, for apps that already run a session and give no
 * `state.secret`: `issue` keeps `{ state, returnTo, expiresAt }` (a random
 * state) under `key` in the session; `consume` takes it out before checking
 * it, compares it in constant time and checks its expiry. A finished login
 * leaves a marker until its state would have expired, so a replay in the
 * same session gets `ERR_STATE_REPLAYED`. A shared session backend (e.g.
 * Redis) carries it across instances. A new login replaces the pending one.
 *
 * The session alone cannot make a state single-use: a session kept in a
 * cookie (`@fastify/secure-session`, koa-session's default) comes back as it
 * was before the login whenever its old cookie is sent again, and concurrent
 * callbacks each read their own copy of it. So every consumed state also goes
 * to `usedStates` (atomic in memory, `SET NX` in Redis): one callback wins,
 * every other gets `ERR_STATE_REPLAYED`.
 *
 * @throws AppleMusicAuthError `ERR_INVALID_OPTIONS` naming the bad option; at
 *   request time also when no session is present.
 */
export function createSessionStateStore(options: SessionStateStoreOptions = {}): StateStore {
  if (typeof options !== 'object' || options === null) {
    // Stryker disable next-line StringLiteral: message wording only
    throw invalidOptions('options', 'expected an object (all its fields are optional).');
  }
  const key = assertSessionKey('key', options.key);
  const maxAgeSeconds = assertMaxAgeSeconds(options.maxAgeSeconds, 'maxAgeSeconds');
  const now = clockOption('now', options.now);
  const usedStates = assertSingleUseStore('usedStates', options.usedStates, now, maxAgeSeconds);

  return {
    async issue(request, { returnTo }) {
      const session = requireSession(request);
      if (await usedStates.isFull?.()) throw usedStatesFull();
      const pending: PendingLogin = {
        state: createNonce(),
        expiresAt: now() + maxAgeSeconds * 1000,
      };
      if (returnTo !== undefined) pending.returnTo = normalizeReturnTo(returnTo);
      session.set(key, pending);
      return { state: pending.state, setCookies: [] };
    },
    async consume(request, state) {
      const session = requireSession(request);
      const value = session.get(key);
      session.set(key, undefined);
      const stored = readStored(value);
      if (state === undefined || state === null || state === '') {
        throw stateMissing('the callback carried no state');
      }
      if (typeof state !== 'string') throw stateMismatch();
      // Stryker disable next-line StringLiteral: message wording only
      if (stored === undefined) throw stateMissing('this session has no pending login');
      if ('used' in stored) {
        if (now() < stored.expiresAt && constantTimeEqual(stored.used, state)) {
          session.set(key, stored);
          throw stateReplayed();
        }
        throw stateMissing('this session has no pending login');
      }
      if (!constantTimeEqual(stored.state, state)) throw stateMismatch();
      if (now() >= stored.expiresAt) throw stateExpired();
      const used: UsedLogin = { used: stored.state, expiresAt: stored.expiresAt };
      const ttlSeconds = Math.ceil((stored.expiresAt - now()) / 1000);
      const fresh = await usedStates.consume(hashNonce(stored.state), ttlSeconds);
      session.set(key, used);
      if (!fresh) throw stateReplayed();
      return { returnTo: stored.returnTo };
    },
    clearingSetCookies: () => [],
  };
}

/** Checks a session key option, default `appleMusicAuth`. */
export function assertSessionKey(field: string, value: unknown): string {
  if (value === undefined) return DEFAULT_STATE_SESSION_KEY;
  if (typeof value !== 'string' || value === '' || value.length > 100) {
    throw invalidOptions(
      field,
      // Stryker disable next-line StringLiteral: message wording only
      `expected a non-empty string of at most 100 characters, such as '${DEFAULT_STATE_SESSION_KEY}'.`,
    );
  }
  return value;
}

/**
 * Wraps a plain session object (express-session's `req.session`,
 * koa-session's `ctx.session`) as a {@link SessionAccess}: `set(key,
 * undefined)` deletes the property. Returns `undefined` when `session` is not
 * an object (no session middleware ran), which the session store reports.
 * `renewId` becomes {@link SessionAccess.renewId}, e.g.
 * `() => ctx.session.regenerate()` for koa-session.
 */
export function sessionFromObject(
  session: unknown,
  renewId?: SessionAccess['renewId'],
): SessionAccess | undefined {
  if (typeof session !== 'object' || session === null) return undefined;
  const target = session as Record<string, unknown>;
  return {
    get: (key) => (Object.hasOwn(target, key) ? target[key] : undefined),
    set(key, value) {
      if (value === undefined) delete target[key];
      else target[key] = value;
    },
    ...(renewId === undefined ? {} : { renewId }),
  };
}
