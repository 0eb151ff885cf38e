import type { RequestHandler } from 'msw';
import { createAppleMusicApiHandlers } from './api-handlers.js';
import {
  checkDeveloperTokenRefusal,
  type DeveloperTokenRefusal,
} from './developer-token-refusal.js';
import { createIndexPageHandlers } from './index-page.js';
import { type LibrarySize, resolveLibrarySize } from './library.js';
import { createMusicKitStubHandlers } from './musickit-stub.js';
import { assertOneOf } from './one-of.js';
import { type NextLinks, resolveNextLinks } from './paging.js';
import {
  createAuthorizePopupHandlers,
  MESSAGE_SHAPES,
  type MessageShape,
  POPUP_OUTCOMES,
  type PopupOutcome,
} from './popup-page.js';
import { resolvePublicKey, type SandboxPublicKey } from './public-key.js';
import { createRateLimiter, type RateLimit } from './rate-limit.js';
import { createSandboxDescriptionHandlers, sandboxEndpointURLs } from './sandbox-description.js';
import { serveHandlers } from './serve.js';
import {
  type KnownStorefrontId,
  resolveStorefront,
  type SandboxStorefront,
} from './storefronts.js';
import { createUserTokenRegistry, type IssueUserTokenOptions } from './user-token-registry.js';

/** Options of {@link startSandbox}. */
export interface SandboxOptions {
  /** Port to listen on; `0` (the default) picks a free one. */
  port?: number;
  /** Address to listen on; `127.0.0.1` by default. */
  host?: string;
  /** Team ID the developer tokens must carry as `iss` (10 uppercase letters or digits). */
  teamId: string;
  /** Key ID the developer tokens must carry as header `kid` (10 uppercase letters or digits). */
  keyId: string;
  /** Key to verify developer tokens with: the public key, or the `.p8` private key for convenience. */
  publicKey: SandboxPublicKey;
  /**
   * What the popup does after `thirdPartyInfo`; `manual` (wait for a click) by
   * default. `redirect` sends no message: it redirects the popup's own window
   * to `referrer#<result>`, as Apple's page does without an opener.
   */
  outcome?: PopupOutcome;
  /** Whether the popup reports parental content restrictions (`'1'`); `false` by default. */
  restricted?: boolean;
  /**
   * The shape of the popup's JSON-RPC requests: `apple` (ids from 0, `params`
   * always an array, as MusicKit), the default, or `odd` (ids from 1, `params`
   * missing or not an array), to test that a bridge accepts both.
   */
  messageShape?: MessageShape;
  /** The user's storefront: a known id (default `us`) or a full {@link SandboxStorefront}. */
  storefront?: KnownStorefrontId | SandboxStorefront;
  /** `false`: library endpoints answer 400 with code 40015 (no subscription); `true` by default. */
  subscription?: boolean;
  /** Clock in milliseconds since the epoch for developer token checks and `rateLimit`; `Date.now` by default. */
  now?: () => number;
  /** Other keys of the team whose tokens are accepted too (as after a key rotation); see `addKey`. */
  otherKeys?: readonly SandboxKey[];
  /** Developer tokens answered 401 although valid: issued before a time, or by given key IDs. */
  refuseDeveloperTokens?: DeveloperTokenRefusal;
  /** API calls answered 429 without `Retry-After`: every Nth, or for a while; none by default. */
  rateLimit?: RateLimit;
  /** How `next` links are written (`{ query, pastTheEnd }`); Apple's way (only `offset` kept) by default. */
  nextLinks?: NextLinks;
  /** How many items each library collection holds (default 250 songs, 25 albums, 12 artists, 6 playlists). */
  library?: LibrarySize;
}

/** A key of the team: its ID and its public key (or the `.p8` private key). */
export interface SandboxKey {
  keyId: string;
  publicKey: SandboxPublicKey;
}

/** A running sandbox: Apple's popup, the Apple Music API and a MusicKit stub on one loopback port. */
export interface Sandbox {
  /** Base URL, e.g. `http://127.0.0.1:53124` (no trailing slash). */
  readonly url: string;
  /** The popup URL (`${url}/woa`): core's `endpoints.authorize`. */
  readonly authorizeURL: string;
  /** The origin the popup posts from: what the bridge must accept messages from. */
  readonly authorizeOrigin: string;
  /** Base of the API (`url`; clients append `/v1/...`): core's `endpoints.api`. */
  readonly apiURL: string;
  /** The MusicKit JS v3 stub: core's `endpoints.musicKitScript`. */
  readonly musicKitScriptURL: string;
  /** Changes what the popup does from its next page load on. */
  setOutcome(outcome: PopupOutcome): void;
  /** Changes the initial "Restricted (parental controls)" state from the next page load on. */
  setRestricted(restricted: boolean): void;
  /** Changes the shape of the popup's requests from the next page load on. */
  setMessageShape(shape: MessageShape): void;
  /** Issues a Music User Token the API accepts, without the popup. */
  issueToken(options?: IssueUserTokenOptions): string;
  /**
   * Revokes a Music User Token, as an Apple ID password change does: the API
   * answers it 403 from now on, with Apple's body (`errors[0].code` `'40300'`,
   * detail `Invalid authentication`). `true` if the token was accepted until now.
   */
  revokeToken(token: string): boolean;
  /** Accepts developer tokens signed by another key of the team from now on (a rotation's new key). */
  addKey(key: SandboxKey): void;
  /**
   * Answers 401 with an empty body, from now on, to developer tokens issued
   * (`iat`) before `issuedBefore` or signed by a key in `keyIds`, in the API
   * and the popup; `undefined` refuses none again.
   */
  refuseDeveloperTokens(refusal: DeveloperTokenRefusal | undefined): void;
  /**
   * Answers API calls with Apple's 429 (no `Retry-After`): `{ everyNth: 3 }`
   * the 3rd, 6th… call from now, `{ forMs: 2000 }` every call for 2 seconds
   * of the sandbox's clock; `undefined` lifts it.
   */
  setRateLimit(limit: RateLimit | undefined): void;
  /** Changes how `next` links are written from the next page on. */
  setNextLinks(nextLinks: NextLinks): void;
  /** Puts msw handlers in front of the sandbox's own (e.g. a 429 or a 500 for one test). */
  use(...handlers: RequestHandler[]): void;
  /** Drops the handlers added with `use`. */
  resetHandlers(): void;
  /** Stops the server and drops its connections. */
  close(): Promise<void>;
}

const IDENTIFIER = /^[A-Z0-9]{10}$/;

/**
 * Starts the sandbox on a loopback port: the popup of
 * `authorize.music.apple.com` (`/woa`), the Apple Music API endpoints
 * (`/v1/me/storefront`, `/v1/storefronts/{id}`, `/v1/me/recent/played`,
 * `/v1/me/recent/played/tracks`, `/v1/me/library/{songs,albums,artists,playlists}`),
 * the MusicKit JS v3 stub (`/musickit/v3/musickit.js`), its own description
 * (`/.well-known/apple-music-sandbox`: ids, public key, endpoint URLs) and an
 * index page (`/`). Tokens issued by the popup or by `issueToken` are accepted by the API.
 * Apple's failures are switches on the returned object (and options):
 * `revokeToken`, `refuseDeveloperTokens`, `setRateLimit`, `setNextLinks`, and
 * the `hang` outcome.
 *
 * @example
 * const sandbox = await startSandbox({ teamId, keyId, publicKey: p8, outcome: 'allow' });
 * const auth = createAppleMusicAuth({ ..., endpoints: { authorize: sandbox.authorizeURL, api: sandbox.apiURL } });
 *
 * @throws Error (the promise rejects) naming the option that is malformed.
 */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  if (typeof options !== 'object' || options === null) {
    throw new Error('startSandbox: pass an options object { teamId, keyId, publicKey, ... }.');
  }
  const { teamId, keyId, port, host } = options;
  if (typeof teamId !== 'string' || !IDENTIFIER.test(teamId)) {
    throw new Error(
      'startSandbox: teamId must be 10 uppercase letters or digits (your Apple developer Team ID, e.g. "ABCDE12345").',
    );
  }
  if (typeof keyId !== 'string' || !IDENTIFIER.test(keyId)) {
    throw new Error(
      'startSandbox: keyId must be 10 uppercase letters or digits (the Key ID of the .p8 key, e.g. "KEY1234567").',
    );
  }
  if (options.publicKey === undefined || options.publicKey === null) {
    throw new Error(
      'startSandbox: publicKey is required: the public key of your .p8 key (or the .p8 PEM text itself).',
    );
  }
  const publicKey = withPrefix(() => resolvePublicKey(options.publicKey));
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65_535)) {
    throw new Error('startSandbox: port must be an integer from 0 to 65535 (0 picks a free port).');
  }
  if (host !== undefined && (typeof host !== 'string' || host === '')) {
    throw new Error('startSandbox: host must be a non-empty string such as "127.0.0.1".');
  }
  let outcome = checkOutcome(options.outcome ?? 'manual');
  let restricted = checkRestricted(options.restricted ?? false);
  let messageShape = checkMessageShape(options.messageShape ?? 'apple');
  const storefront = withPrefix(() => resolveStorefront(options.storefront));
  if (options.subscription !== undefined && typeof options.subscription !== 'boolean') {
    throw new Error('startSandbox: subscription must be true or false.');
  }
  if (options.now !== undefined && typeof options.now !== 'function') {
    throw new Error('startSandbox: now must be a function returning milliseconds since the epoch.');
  }
  const now = options.now ?? Date.now;
  const otherKeys = new Map<string, SandboxPublicKey>();
  const addKey = (key: SandboxKey) => {
    const checked = withPrefix(() => checkKey(key, keyId, otherKeys));
    otherKeys.set(checked.keyId, checked.publicKey);
  };
  if (options.otherKeys !== undefined) {
    if (!Array.isArray(options.otherKeys)) {
      throw new Error('startSandbox: otherKeys must be an array of { keyId, publicKey }.');
    }
    for (const key of options.otherKeys) addKey(key);
  }
  let refusal = withPrefix(() => checkDeveloperTokenRefusal(options.refuseDeveloperTokens));
  const rateLimiter = withPrefix(() => createRateLimiter(now, options.rateLimit));
  let nextLinks = withPrefix(() => resolveNextLinks(options.nextLinks ?? {}));
  const library = withPrefix(() => resolveLibrarySize(options.library));

  const userTokens = createUserTokenRegistry();
  const checkOptions = {
    teamId,
    keyId,
    publicKey,
    now,
    otherKeys,
    refusal: () => refusal,
  };
  const served = await serveHandlers(
    [
      ...createAuthorizePopupHandlers({
        ...checkOptions,
        userTokens,
        outcome: () => outcome,
        restricted: () => restricted,
        messageShape: () => messageShape,
      }),
      ...createAppleMusicApiHandlers({
        ...checkOptions,
        userTokens,
        storefront,
        subscription: options.subscription ?? true,
        rateLimiter,
        nextLinks: () => nextLinks,
        library,
      }),
      ...createMusicKitStubHandlers(),
      ...createSandboxDescriptionHandlers({ teamId, keyId, publicKey }),
      ...createIndexPageHandlers({
        teamId,
        keyId,
        outcome: () => outcome,
        restricted: () => restricted,
        storefront: storefront.id,
        subscription: options.subscription ?? true,
      }),
    ],
    { ...(port === undefined ? {} : { port }), ...(host === undefined ? {} : { host }) },
  );

  return {
    url: served.url,
    ...sandboxEndpointURLs(served.url),
    setOutcome(next) {
      outcome = checkOutcome(next);
    },
    setRestricted(next) {
      restricted = checkRestricted(next);
    },
    setMessageShape(next) {
      messageShape = checkMessageShape(next);
    },
    issueToken(issueOptions) {
      return userTokens.issue(issueOptions);
    },
    revokeToken(token) {
      return userTokens.revoke(token);
    },
    addKey,
    refuseDeveloperTokens(next) {
      refusal = withPrefix(() => checkDeveloperTokenRefusal(next));
    },
    setRateLimit(limit) {
      withPrefix(() => rateLimiter.set(limit));
    },
    setNextLinks(next) {
      nextLinks = withPrefix(() => resolveNextLinks(next));
    },
    use(...handlers) {
      served.use(...handlers);
    },
    resetHandlers() {
      served.resetHandlers();
    },
    close() {
      return served.close();
    },
  };
}

function checkOutcome(outcome: unknown): PopupOutcome {
  return checkOneOf('outcome', POPUP_OUTCOMES, outcome);
}

function checkMessageShape(shape: unknown): MessageShape {
  return checkOneOf('messageShape', MESSAGE_SHAPES, shape);
}

function checkOneOf<T extends string>(name: string, allowed: readonly T[], value: unknown): T {
  return withPrefix(() => {
    assertOneOf(name, allowed, value);
    return value;
  });
}

function checkKey(key: unknown, keyId: string, added: ReadonlyMap<string, unknown>): SandboxKey {
  if (typeof key !== 'object' || key === null) {
    throw new Error('a key must be an object { keyId, publicKey }.');
  }
  const { keyId: id, publicKey } = key as Partial<SandboxKey>;
  if (typeof id !== 'string' || !IDENTIFIER.test(id)) {
    throw new Error('a key ID must be 10 uppercase letters or digits (the Key ID of the .p8 key).');
  }
  if (id === keyId || added.has(id)) throw new Error(`the key ${id} is already accepted.`);
  if (publicKey === undefined || publicKey === null) {
    throw new Error(`the key ${id} needs its publicKey (or the .p8 text).`);
  }
  return { keyId: id, publicKey: resolvePublicKey(publicKey, `the publicKey of ${id}`) };
}

function checkRestricted(restricted: unknown): boolean {
  if (typeof restricted !== 'boolean')
    throw new Error('startSandbox: restricted must be true or false.');
  return restricted;
}

function withPrefix<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw new Error(`startSandbox: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}
