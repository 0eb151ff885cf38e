import { AppleMusicAuthError, invalidOptions } from './errors.js';
import { isLoopbackHost } from './http-url.js';

/** Header values as frameworks hold them: web `Headers`, or Node's header object. */
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

/** What {@link resolveRequestOrigin} reads from a request. */
export interface OriginSource {
  /** The request target: a path (`/auth?x=1`) or an absolute URL (web `Request.url`). */
  url: string;
  /** The request's headers. */
  headers: HeaderInput;
  /** True when the connection itself is TLS (Node: `req.socket.encrypted`). */
  encrypted?: boolean | undefined;
}

/**
 * The origin a request was made to, for a path `callbackURL`: with
 * `trustProxy`, the first `X-Forwarded-Proto` and `X-Forwarded-Host`; else the
 * absolute request URL's origin, or `Host` with the connection's scheme. Plain
 * http is accepted on loopback hosts only (local development).
 *
 * @throws AppleMusicAuthError `ERR_CALLBACK_INVALID` (400) for a missing or
 *   malformed host; `ERR_INVALID_OPTIONS` (500) for plain http elsewhere.
 */
export function resolveRequestOrigin(request: OriginSource, trustProxy: boolean): string {
  let scheme: string | undefined;
  let host: string | undefined;
  if (/^https?:\/\//i.test(request.url)) {
    const url = new URL(request.url);
    scheme = url.protocol.slice(0, -1);
    host = url.host;
  } else {
    scheme = request.encrypted === true ? 'https' : 'http';
    host = headerValue(request.headers, 'host');
  }
  if (trustProxy) {
    const forwardedProto = firstValue(headerValue(request.headers, 'x-forwarded-proto'));
    const forwardedHost = firstValue(headerValue(request.headers, 'x-forwarded-host'));
    if (forwardedProto !== undefined) scheme = forwardedProto.toLowerCase();
    if (forwardedHost !== undefined) host = forwardedHost;
  }
  const known = checkedOrigins.get(`${scheme}://${host}`);
  if (known !== undefined) return known;
  if (host === undefined || !HOST.test(host) || (scheme !== 'http' && scheme !== 'https')) {
    throw new AppleMusicAuthError(
      'ERR_CALLBACK_INVALID',
      'The request has no valid Host (or X-Forwarded-Host/-Proto behind a trusted proxy): it cannot be answered with a callback URL.',
    );
  }
  const given = `${scheme}://${host}`;
  const origin = new URL(given).origin;
  if (scheme === 'http' && !isLoopbackHost(new URL(origin).hostname)) {
    throw invalidOptions(
      'callbackURL',
      `is a path and this request came over plain http to ${origin}: serve the app over https, give an absolute https callbackURL, or behind a proxy that terminates TLS set \`trustProxy: true\`.`,
    );
  }
  if (checkedOrigins.size >= MAX_CHECKED_ORIGINS) checkedOrigins.clear();
  checkedOrigins.set(given, origin);
  return origin;
}

/** Origins already checked, normalized and accepted, by `scheme://host` as the request gave them. */
const checkedOrigins = new Map<string, string>();

/** A site is reached under a few hosts; any more are checked again rather than kept. */
const MAX_CHECKED_ORIGINS = 64;

function firstValue(value: string | undefined): string | undefined {
  const first = value?.split(',')[0]?.trim();
  return first === '' ? undefined : first;
}
