import { AppleMusicAuthError } from '../errors.js';
import { isLoopbackHost } from './http-url.js';

/**
 * Header values as frameworks hold them: web `Headers`, or Node's header object.
 *
 * @inline
 */
export type HeaderInput =
  | Headers
  | Readonly<Record<string, string | readonly string[] | undefined>>;

/** Reads one header, case-insensitively; several values are joined with `, ` as HTTP allows. */
export function headerValue(headers: HeaderInput, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const lower = name.toLowerCase();
  let value = headers[lower];
  if (value === undefined) {
    const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === lower);
    value = key === undefined ? undefined : headers[key];
  }
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : value.join(', ');
}

/** A `Host` value: a DNS name or IPv4 address, or a bracketed IPv6 address, with an optional port. */
const HOST =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})?)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** What an {@link OriginResolver} reads from a request. */
export interface OriginSource {
  /**
   * The request target as a path (`/auth?x=1`), or a web `Request.url`. Its
   * host is read only when the request has no `Host` header: an absolute-form
   * target never chooses the origin.
   */
  url: string;
  /** The request's headers. */
  headers: HeaderInput;
  /**
   * True when the connection itself is TLS (Node: `req.socket.encrypted`).
   * When it is not given, a web `Request.url`'s scheme says it.
   */
  encrypted?: boolean | undefined;
}

/** Which origins a path `callbackURL` may be resolved to. */
export interface OriginPolicy {
  /**
   * The app's public origins (`appOrigins`, normalized), or `undefined`:
   * then loopback origins only (`localhost`, `127.0.0.1`, `[::1]`), which
   * the options allow only outside production.
   */
  appOrigins: readonly string[] | undefined;
  /** Read the origin from the last `X-Forwarded-Proto` and `X-Forwarded-Host` values. */
  trustProxy: boolean;
}

/** Finds the app's origin of a request, or refuses a request made to any other. */
export interface OriginResolver {
  /**
   * The origin the request was made to: `Host` with the connection's scheme,
   * or with `trustProxy` the value the nearest proxy set (the last
   * `X-Forwarded-Proto` and `X-Forwarded-Host`).
   *
   * @throws AppleMusicAuthError `ERR_ORIGIN_NOT_ALLOWED` (400) for a missing or
   *   malformed host, or an origin that is not one of the app's.
   */
  ofRequest(request: OriginSource): string;
  /**
   * An origin the caller names (the login flow's `origin`), when it is one of
   * the app's; throws like {@link OriginResolver.ofRequest} otherwise.
   */
  check(origin: string): string;
}

/** How many spellings of accepted origins (`App.Example:443`, ...) are remembered; later ones are checked each time. */
const MAX_ACCEPTED_SPELLINGS = 64;

/**
 * The origin check of a path `callbackURL`: an origin is accepted only when
 * it is listed in `appOrigins` (or, without a list, is a loopback origin),
 * so that nothing is ever signed for a host the request chose.
 */
export function createOriginResolver(policy: OriginPolicy): OriginResolver {
  const listed = policy.appOrigins === undefined ? undefined : new Set(policy.appOrigins);
  /** Accepted origins by `scheme://host` as requests spelled them: only ever accepted ones, never evicted. */
  const accepted = new Map<string, string>();
  // Stryker disable next-line ArrayDeclaration: a seed entry would only answer a check() of that exact text
  for (const origin of policy.appOrigins ?? []) accepted.set(origin, origin);

  const accept = (given: string, scheme: string, host: string | undefined): string => {
    const valid =
      host !== undefined &&
      HOST.test(host) &&
      (scheme === 'http' || scheme === 'https') &&
      URL.canParse(given);
    if (!valid) {
      throw new AppleMusicAuthError(
        'ERR_ORIGIN_NOT_ALLOWED',
        'The request has no valid Host (or X-Forwarded-Host/-Proto behind a trusted proxy), so it was made to none of `appOrigins`: nothing is signed for it.',
      );
    }
    const origin = new URL(given).origin;
    const allowed =
      listed === undefined ? isLoopbackHost(new URL(origin).hostname) : listed.has(origin);
    if (!allowed) throw notListed(origin, listed !== undefined);
    // Stryker disable next-line ConditionalExpression,EqualityOperator: remembering a spelling saves a check, never changes an answer (the bound keeps memory flat)
    if (accepted.size < MAX_ACCEPTED_SPELLINGS) accepted.set(given, origin);
    return origin;
  };

  return {
    ofRequest(request) {
      const { given, scheme, host } = namedOrigin(request, policy.trustProxy);
      return accepted.get(given) ?? accept(given, scheme, host);
    },

    check(origin) {
      const known = accepted.get(origin);
      // Stryker disable next-line ConditionalExpression: a remembered origin is what checking it again gives
      if (known !== undefined) return known;
      const parts = ABSOLUTE_URL.exec(origin);
      if (parts === null || parts[0] !== origin) {
        throw new AppleMusicAuthError(
          'ERR_ORIGIN_NOT_ALLOWED',
          `The origin ${JSON.stringify(origin.slice(0, 100))} is not an http(s) origin such as "https://app.example".`,
        );
      }
      return accept(origin, (parts[1] as string).toLowerCase(), parts[2]);
    },
  };
}

/** What a request names as its origin, unchecked: `given` is `scheme://host` as spelled. */
interface NamedOrigin {
  given: string;
  scheme: string;
  host: string | undefined;
}

/**
 * The origin a request was made to as it names it: `Host` with the
 * connection's scheme, or with `trustProxy` the last `X-Forwarded-Proto` and
 * `X-Forwarded-Host`. Nothing is checked here.
 */
function namedOrigin(request: OriginSource, trustProxy: boolean): NamedOrigin {
  const absolute = ABSOLUTE_URL.exec(request.url);
  let scheme =
    request.encrypted === undefined && absolute !== null
      ? (absolute[1] as string).toLowerCase()
      : request.encrypted === true
        ? 'https'
        : 'http';
  let host = headerValue(request.headers, 'host') ?? absolute?.[2];
  if (trustProxy) {
    const forwardedProto = lastValue(headerValue(request.headers, 'x-forwarded-proto'));
    const forwardedHost = lastValue(headerValue(request.headers, 'x-forwarded-host'));
    if (forwardedProto !== undefined) scheme = forwardedProto.toLowerCase();
    if (forwardedHost !== undefined) host = forwardedHost;
  }
  return { given: `${scheme}://${host}`, scheme, host };
}

/**
 * The origin a request was made to (see {@link OriginResolver.ofRequest}),
 * normalized, without checking it against any list; `undefined` when its
 * host is missing or malformed. For messages only: never sign for it.
 */
export function requestedOrigin(request: OriginSource, trustProxy: boolean): string | undefined {
  const { given, scheme, host } = namedOrigin(request, trustProxy);
  if (host === undefined || !HOST.test(host) || (scheme !== 'http' && scheme !== 'https')) {
    return undefined;
  }
  return URL.canParse(given) ? new URL(given).origin : undefined;
}

/** The scheme and authority of an absolute http(s) URL. */
const ABSOLUTE_URL = /^(https?):\/\/([^/?#]*)/i;

function notListed(origin: string, hasList: boolean): AppleMusicAuthError {
  const proxy =
    'Behind a proxy, set `trustProxy: true` and have the proxy set X-Forwarded-Host and X-Forwarded-Proto itself.';
  return new AppleMusicAuthError(
    'ERR_ORIGIN_NOT_ALLOWED',
    hasList
      ? `This request was made to ${origin}, which is not listed in \`appOrigins\`: nothing is signed for it. If the app is served there, add it to \`appOrigins\`. ${proxy}`
      : `This request was made to ${origin}, but without \`appOrigins\` a path callbackURL answers loopback origins only (localhost, 127.0.0.1, [::1]), and only outside production: list the app's public origins in \`appOrigins\`, e.g. ['https://app.example'], or give an absolute callbackURL. ${proxy}`,
  );
}

/** The last of a header's comma-separated values: the one the nearest proxy set. */
function lastValue(value: string | undefined): string | undefined {
  const last = value?.slice(value.lastIndexOf(',') + 1).trim();
  return last === '' ? undefined : last;
}
