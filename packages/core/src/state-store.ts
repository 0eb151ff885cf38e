import { parse, serialize } from 'cookie';
import { constantTimeEqual } from './constant-time.js';
import { invalidOptions } from './errors.js';
import { clockOption } from './option-checks.js';
import { normalizeReturnTo } from './return-to.js';
import {
  assertMaxAgeSeconds,
  assertStateSecret,
  createNonce,
  createState,
  stateExpired,
  stateMalformed,
  stateMismatch,
  stateMissing,
  verifyState,
} from './state.js';

/** Per-request access to the framework's session object (e.g. `req.session`). */
export interface SessionAccess {
  /** Reads a value stored in the session. */
  get(key: string): unknown;
  /** Stores a value in the session; it must survive until the callback. */
  set(key: string, value: unknown): void;
  /** Removes a value from the session. */
  delete(key: string): void;
}

/** What a state store needs from the current request. */
export interface StateStoreRequest {
  /** The request's `Cookie` header (cookie store). */
  cookieHeader?: string | null | undefined;
  /** The framework's session (session store). */
  session?: SessionAccess | undefined;
  /** True when the request came over https: the cookie then gets `Secure`. */
  secure: boolean;
}

/** A state for the bridge page, and the cookies to set with it. */
export interface IssuedState {
  /** The state to put into the bridge page; it comes back in the callback body. */
  state: string;
  /** `Set-Cookie` header values to send with the bridge page. */
  setCookies: string[];
}

/** A state that the callback proved to own. */
export interface ConsumedState {
  /** The same-site path to go back to, if the login was started with one. */
  returnTo: string | undefined;
  /** `Set-Cookie` header values to send with the callback's response (e.g. the clearing cookie). */
  setCookies: string[];
}

/**
 * Where a login keeps the proof that it started in this browser: a signed
 * state plus a nonce cookie ({@link createCookieStateStore}), or the
 * framework's session ({@link createSessionStateStore}).
 *
 * Every callback response, whatever its outcome, must carry
 * {@link StateStore.clearCookies}: `consume` returns them on success, and
 * when anything fails (a bad body, a state error thrown by `consume`, Apple
 * saying no) the caller sends them with its error response, so that no login
 * attempt leaves a nonce behind.
 */
export interface StateStore {
  /** Starts a login: makes a state for the bridge page and what the browser must keep. */
  issue(
    request: StateStoreRequest,
    options: { returnTo?: string | undefined },
  ): Promise<IssuedState>;
  /**
   * Checks that `state` continues a login this browser started, and uses it up.
   *
   * @throws AppleMusicAuthError `ERR_STATE_MISSING`, `ERR_STATE_MALFORMED`,
   *   `ERR_STATE_EXPIRED` or `ERR_STATE_MISMATCH`; send
   *   {@link StateStore.clearCookies} with the error response.
   */
  consume(request: StateStoreRequest, state: string | undefined): Promise<ConsumedState>;
  /**
   * `Set-Cookie` values that end the pending login in the browser (the
   * clearing cookie; none for the session store, whose `consume` deletes its
   * entry before checking it). Send them with every callback response.
   */
  readonly clearCookies: readonly string[];
}

/** The cookie name used by default. */
export const DEFAULT_STATE_COOKIE_NAME = 'apple_music_auth_state';

/** The session key used by default. */
export const DEFAULT_STATE_SESSION_KEY = 'appleMusicAuth';

/** A cookie name: an RFC 6265 token. */
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** A cookie path: starts with '/', visible ASCII and spaces, no ';'. */
const COOKIE_PATH = /^\/[\u0020-\u003a\u003c-\u007e]*$/;

/** Options of {@link createCookieStateStore}. */
export interface CookieStateStoreOptions {
  /** `stateSecret`: one secret of 32+ characters, or a list (the first signs, all verify). */
  secret: string | readonly string[];
  /**
   * Name of the nonce cookie; default {@link DEFAULT_STATE_COOKIE_NAME}. A
   * `__Host-` name (safest: no subdomain can overwrite it) needs `cookiePath:
   * '/'` and https; a `__Secure-` name needs https.
   */
  cookieName?: string | undefined;
  /** The callback's path, e.g. `/auth/apple-music/callback`: the cookie goes there only. */
  cookiePath: string;
  /** Lifetime of the state and the cookie in seconds; default 600. */
  maxAgeSeconds?: number | undefined;
  /** Clock in milliseconds since the epoch; default `Date.now`. */
  now?: (() => number) | undefined;
}

/**
 * The stateless store: `issue` puts a random nonce into an HttpOnly,
 * SameSite=Lax cookie scoped to the callback path (Secure over https) and
 * returns a signed, expiring state that carries the nonce's hash; `consume`
 * reads the cookie and checks the state against it with {@link verifyState}.
 * Every instance that shares the secret can finish a login another started.
 *
 * @throws AppleMusicAuthError `ERR_INVALID_OPTIONS` naming the bad option.
 */
export function createCookieStateStore(options: CookieStateStoreOptions): StateStore {
  if (typeof options !== 'object' || options === null) {
    throw invalidOptions('options', 'expected an object with `secret` and `cookiePath`.');
  }
  const secret = assertStateSecret(options.secret);
  const maxAgeSeconds = assertMaxAgeSeconds(options.maxAgeSeconds);
  const now = clockOption('now', options.now);
  const cookieName = options.cookieName ?? DEFAULT_STATE_COOKIE_NAME;
  const { cookiePath } = options;
  if (typeof cookieName !== 'string' || !COOKIE_NAME.test(cookieName)) {
    throw invalidOptions(
      'cookieName',
      `expected a cookie name made of letters, digits and !#$%&'*+-.^_\`|~, such as '${DEFAULT_STATE_COOKIE_NAME}'.`,
    );
  }
  if (typeof cookiePath !== 'string' || !COOKIE_PATH.test(cookiePath)) {
    throw invalidOptions(
      'cookiePath',
      "expected the callback's path, such as '/auth/apple-music/callback' (starts with '/', no ';' or control characters).",
    );
  }
  if (cookieName.startsWith('__Host-') && cookiePath !== '/') {
    throw invalidOptions(
      'cookiePath',
      `a '__Host-' cookie name needs cookiePath '/', got '${cookiePath}'; use that or another cookieName.`,
    );
  }
  const prefixed = cookieName.startsWith('__Host-') || cookieName.startsWith('__Secure-');
  const cookie = (value: string, maxAge: number, secure: boolean): string =>
    serialize(cookieName, value, {
      httpOnly: true,
      sameSite: 'lax',
      secure,
      path: cookiePath,
      maxAge,
    });
  // The clearing cookie is the same for http and https: without `Secure` it
  // deletes the nonce cookie on both (an https response may overwrite a Secure
  // cookie; an http one may not set one). Prefixed names require `Secure`, and
  // only exist over https anyway.
  const clearCookies = Object.freeze([cookie('', 0, prefixed)]);

  return {
    async issue(request, { returnTo }) {
      const nonce = createNonce();
      const state = await createState({ secret, nonce, returnTo, maxAgeSeconds, now });
      return {
        state,
        setCookies: [cookie(nonce, maxAgeSeconds, prefixed || request.secure === true)],
      };
    },
    async consume(request, state) {
      const nonce =
        typeof request.cookieHeader === 'string'
          ? parse(request.cookieHeader)[cookieName]
          : undefined;
      const { returnTo } = await verifyState({ state, nonce, secret, now });
      return { returnTo, setCookies: [...clearCookies] };
    },
    clearCookies,
  };
}

/** Options of {@link createSessionStateStore}. */
export interface SessionStateStoreOptions {
  /** The session key that holds the pending login; default {@link DEFAULT_STATE_SESSION_KEY}. */
  key?: string | undefined;
  /** Lifetime of a pending login in seconds; default 600. */
  maxAgeSeconds?: number | undefined;
  /** Clock in milliseconds since the epoch; default `Date.now`. */
  now?: (() => number) | undefined;
}

/** What the session store keeps under its key (JSON-safe, for any session backend). */
interface PendingLogin {
  state: string;
  returnTo?: string;
  expiresAt: number;
}

function requireSession(request: StateStoreRequest): SessionAccess {
  const { session } = request;
  if (
    typeof session !== 'object' ||
    session === null ||
    typeof session.get !== 'function' ||
    typeof session.set !== 'function' ||
    typeof session.delete !== 'function'
  ) {
    throw invalidOptions(
      'session',
      "the session state store needs the request's session: a session middleware (e.g. express-session, @fastify/session, koa-session) must run before the login and callback routes, or give `stateSecret` to use the cookie store instead.",
    );
  }
  return session;
}

function readPendingLogin(value: unknown): PendingLogin {
  if (typeof value !== 'object' || value === null) {
    throw stateMalformed('the session holds something else under its key');
  }
  const { state, returnTo, expiresAt } = value as Record<string, unknown>;
  if (
    typeof state !== 'string' ||
    typeof expiresAt !== 'number' ||
    (returnTo !== undefined && returnTo !== null && typeof returnTo !== 'string')
  ) {
    throw stateMalformed('the session holds something else under its key');
  }
  return typeof returnTo === 'string' ? { state, returnTo, expiresAt } : { state, expiresAt };
}

/**
 * The session store, for apps that already run a session and give no
 * `stateSecret`: `issue` keeps `{ state, returnTo, expiresAt }` (a random
 * state) under `key` in the session; `consume` deletes it before checking it
 * (a state is used once), compares it in constant time and checks its expiry.
 * A shared session backend (e.g. Redis) carries it across instances. A new
 * login in the same session replaces the pending one.
 *
 * @throws AppleMusicAuthError `ERR_INVALID_OPTIONS` naming the bad option; at
 *   request time also when no session is present.
 */
export function createSessionStateStore(options: SessionStateStoreOptions = {}): StateStore {
  if (typeof options !== 'object' || options === null) {
    throw invalidOptions('options', 'expected an object (all its fields are optional).');
  }
  const key = options.key ?? DEFAULT_STATE_SESSION_KEY;
  if (typeof key !== 'string' || key === '') {
    throw invalidOptions(
      'key',
      `expected a non-empty string, such as '${DEFAULT_STATE_SESSION_KEY}'.`,
    );
  }
  const maxAgeSeconds = assertMaxAgeSeconds(options.maxAgeSeconds);
  const now = clockOption('now', options.now);

  return {
    async issue(request, { returnTo }) {
      const session = requireSession(request);
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
      const stored = session.get(key);
      session.delete(key);
      if (state === undefined || state === null || state === '') {
        throw stateMissing('the callback carried no state');
      }
      if (stored === undefined || stored === null) {
        throw stateMissing('this session has no pending login');
      }
      const pending = readPendingLogin(stored);
      if (typeof state !== 'string' || !constantTimeEqual(pending.state, state)) {
        throw stateMismatch();
      }
      if (now() >= pending.expiresAt) throw stateExpired();
      return { returnTo: pending.returnTo, setCookies: [] };
    },
    clearCookies: Object.freeze([]),
  };
}
