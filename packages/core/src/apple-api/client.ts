import type { Dispatcher } from 'undici';
import { isRecord } from '../checks/option-checks.js';
import { AppleMusicAPIError, invalidOptions } from '../errors.js';
import { type AppleMusicClientOptions, resolveClientOptions } from './client-options.js';
import { type AppleMusicFetchOptions, prepareRequest, VISIBLE_ASCII } from './request.js';
import { sendWithRetries } from './retry.js';

export type { AppleMusicClientOptions } from './client-options.js';
export type { AppleMusicFetchOptions, AppleMusicMethod, AppleMusicQuery } from './request.js';

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

/**
 * A client of the Apple Music API that sends both tokens and maps Apple's errors.
 *
 * @inline
 */
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
  /** Closes the client's own transport (never a `dispatcher` passed in). Idempotent. */
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

/**
 * Creates an Apple Music API client: on Node.js over undici (one keep-alive
 * `Agent`), elsewhere over the global `fetch`; either way per-attempt
 * timeouts, retries with `Retry-After`, bodies always consumed, and Apple's
 * answers mapped to typed errors. Options are checked here, once.
 *
 * @throws {AppleMusicAuthError} `ERR_INVALID_OPTIONS` naming the bad option.
 */
export function createAppleMusicClient(options: AppleMusicClientOptions): AppleMusicClient {
  return createClient(options, 'createAppleMusicClient');
}

/** {@link createAppleMusicClient}, naming `creator` in the sandbox's warning line. */
function createClient(options: AppleMusicClientOptions, creator: string): AppleMusicClient {
  const settings = resolveClientOptions(options, creator);

  async function fetchJSON<T>(path: string, fetchOptions: AppleMusicFetchOptions = {}): Promise<T> {
    const request = prepareRequest(settings, path, fetchOptions);
    const { signal } = fetchOptions;
    signal?.throwIfAborted();
    const developerToken = await settings.getDeveloperToken();
    if (typeof developerToken !== 'string' || !VISIBLE_ASCII.test(developerToken)) {
      throw invalidOptions(
        'getDeveloperToken',
        'it must resolve to the developer token, a non-empty string of visible ASCII characters (an ES256 JWT).',
      );
    }
    const headers = { ...request.headers, authorization: `Bearer ${developerToken}` };
    return (await sendWithRetries(settings, request, headers, signal)) as T;
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
    close: () => settings.transport.close(),
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
  const client = createClient(
    {
      getDeveloperToken: () => Promise.resolve(developerToken),
      ...(apiURL === undefined ? {} : { apiURL }),
      ...(dispatcher === undefined ? {} : { dispatcher }),
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    },
    'verifyMusicUserToken',
  );
  try {
    return await client.verifyMusicUserToken(musicUserToken);
  } finally {
    await client.close();
  }
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
