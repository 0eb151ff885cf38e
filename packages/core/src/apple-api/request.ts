import { invalidOptions } from '../errors.js';

/**
 * HTTP methods the Apple Music API uses.
 *
 * @inline
 */
export type AppleMusicMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/**
 * Query parameters of an Apple Music API call. A list is sent comma-separated
 * (`ids=1,2,3`), as Apple expects.
 */
export type AppleMusicQuery = Readonly<Record<string, string | number | readonly string[]>>;

/**
 * Per-call options of {@link AppleMusicClient.fetch}.
 *
 * @inline
 */
export interface AppleMusicFetchOptions {
  /** The user's Music User Token, for `/v1/me/...` endpoints. Sent only as a header. */
  musicUserToken?: string;
  /** Default `GET`. Only `GET`, `PUT` and `DELETE` are retried after a 5xx or a reset connection. */
  method?: AppleMusicMethod;
  /** Query parameters; do not put them in `path`. */
  query?: AppleMusicQuery;
  /** A JSON-serializable request body (not allowed with `GET`). */
  body?: unknown;
  /** Cancels the call, retries and waits included; the call then rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** What one call is about, for error messages (never holds a token). */
export interface CallContext {
  method: AppleMusicMethod;
  path: string;
  origin: string;
  hasUserToken: boolean;
}

/** A checked call, ready to send: everything but the developer token. */
export interface PreparedRequest {
  context: CallContext;
  /** The path to send: `apiURL`'s path prefix, the call's path and the encoded query. */
  requestPath: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/** Where a prepared request goes: the API's origin and `apiURL`'s path prefix. */
export interface RequestTarget {
  origin: string;
  basePath: string;
}

/** A header value HTTP accepts as it is: visible ASCII, no spaces or line breaks. */
export const VISIBLE_ASCII = /^[\x21-\x7e]+$/;

const METHODS: ReadonlySet<string> = new Set(['GET', 'POST', 'PUT', 'DELETE']);

const PATH_SHAPE =
  'expected an Apple Music API path starting with `/v1/`, e.g. `/v1/me/storefront`, made of visible ASCII characters';

/**
 * Encoded characters a path may not hold, with what they stand for. A proxy
 * in front of Apple may decode them (once or twice) and then normalise the
 * path, which would climb out of `/v1/`.
 */
const ENCODED_REFUSALS: ReadonlyArray<readonly [RegExp, string]> = [
  [/%2e/i, 'an encoded dot (`%2e`): write `.` as it is'],
  [/%2f/i, 'an encoded slash (`%2f`)'],
  [/%5c/i, 'an encoded backslash (`%5c`)'],
  [/%3b/i, 'an encoded semicolon (`%3b`)'],
  [/%25/, 'an encoded percent sign (`%25`), i.e. double encoding'],
];

/**
 * Checks one call's path and options and builds the request to send, without
 * the developer token.
 *
 * @throws {AppleMusicAuthError} `ERR_INVALID_OPTIONS` naming the bad argument.
 */
export function prepareRequest(
  target: RequestTarget,
  path: string,
  fetchOptions: AppleMusicFetchOptions,
): PreparedRequest {
  if (typeof fetchOptions !== 'object' || fetchOptions === null) {
    throw invalidOptions(
      'options',
      'the second argument of fetch() must be an object or left out.',
    );
  }
  checkPath(path);
  const method = fetchOptions.method ?? 'GET';
  if (!METHODS.has(method)) {
    throw invalidOptions('method', 'expected GET, POST, PUT or DELETE.');
  }
  const headers: Record<string, string> = {
    accept: 'application/json',
    'user-agent': 'apple-music-auth',
  };
  const { musicUserToken } = fetchOptions;
  if (musicUserToken !== undefined) {
    if (typeof musicUserToken !== 'string' || !VISIBLE_ASCII.test(musicUserToken)) {
      throw invalidOptions(
        'musicUserToken',
        'expected the Music User Token as a non-empty string of visible ASCII characters (no spaces or line breaks).',
      );
    }
    headers['music-user-token'] = musicUserToken;
  }
  let body: string | undefined;
  if (fetchOptions.body !== undefined) {
    if (method === 'GET') {
      throw invalidOptions('body', 'a GET request has no body; use `query`, or another method.');
    }
    body = JSON.stringify(fetchOptions.body);
    headers['content-type'] = 'application/json';
  }
  const query = fetchOptions.query === undefined ? '' : encodeQuery(fetchOptions.query);
  return {
    context: { method, path, origin: target.origin, hasUserToken: musicUserToken !== undefined },
    requestPath: `${target.basePath}${path}${query}`,
    headers,
    body,
  };
}

/**
 * A path is appended to the configured origin, never resolved as a URL, so it
 * cannot name another host. It cannot climb out of `/v1/` (or out of the
 * base path of `apiURL`) either: dot segments, backslashes and `;` path
 * parameters (`/v1/..;/admin`) are refused, and so are the encoded forms a
 * proxy might decode into them (`%2e`, `%2f`, `%5c`, `%3b`, and `%25` for
 * double encoding such as `%252e`).
 */
function checkPath(path: string): void {
  if (typeof path !== 'string' || !path.startsWith('/v1/') || !VISIBLE_ASCII.test(path)) {
    throw invalidOptions('path', `${PATH_SHAPE}.`);
  }
  const problem = pathProblem(path);
  if (problem !== undefined) {
    throw invalidOptions('path', `it contains ${problem}; ${PATH_SHAPE}.`);
  }
}

function pathProblem(path: string): string | undefined {
  if (/[?#]/.test(path)) return 'a query or hash (give the query as the `query` option)';
  if (path.includes('\\')) return 'a backslash';
  if (path.includes(';')) return 'a `;` path parameter';
  if (path.split('/').some((segment) => segment === '.' || segment === '..')) {
    return 'a `.` or `..` segment';
  }
  return ENCODED_REFUSALS.find(([pattern]) => pattern.test(path))?.[1];
}

function encodeQuery(query: AppleMusicQuery): string {
  if (typeof query !== 'object' || query === null) {
    throw invalidOptions('query', 'expected an object of strings, numbers or string lists.');
  }
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (typeof value === 'string') params.append(key, value);
    else if (typeof value === 'number' && Number.isFinite(value)) params.append(key, String(value));
    else if (Array.isArray(value) && value.every((item) => typeof item === 'string')) {
      params.append(key, value.join(','));
    } else {
      throw invalidOptions(
        `query.${key}`,
        'expected a string, a finite number or a list of strings.',
      );
    }
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}
