import { invalidOptions } from '../errors.js';

/**
 * True for the loopback hosts where plain http is allowed: `localhost`,
 * `127.0.0.1` and `[::1]`, exactly (a `URL`'s `hostname`). The same three
 * everywhere: URL options, origin claims and request origins.
 */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]';
}

/** Which schemes {@link parseHttpURLOption} accepts. */
export type HttpScheme =
  /** https, or http on a loopback host (the sandbox, local development). */
  | 'https-or-loopback'
  /** https or http on any host. */
  | 'http-or-https';

/** Which optional parts a URL option may have: a query (default yes), a fragment (default no). */
export interface AllowedURLParts {
  query?: boolean;
  fragment?: boolean;
}

/**
 * Parses an option that must be an absolute http(s) URL without credentials,
 * and without a query or fragment unless `allowed` says so, or throws
 * `ERR_INVALID_OPTIONS` naming `field`.
 */
export function parseHttpURLOption(
  field: string,
  value: unknown,
  scheme: HttpScheme,
  allowed: AllowedURLParts = {},
): URL {
  let url: URL | undefined;
  if (typeof value === 'string') {
    try {
      url = new URL(value);
    } catch {
      url = undefined;
    }
  }
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw invalidOptions(field, 'must be an absolute http(s) URL, e.g. "https://app.example/…".');
  }
  if (scheme === 'https-or-loopback' && url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw invalidOptions(
      field,
      `must use https (http is allowed only for localhost and 127.0.0.1), got ${url.origin}.`,
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw invalidOptions(field, 'must not carry a user name or password.');
  }
  const { query = true, fragment = false } = allowed;
  const [beforeFragment = '', ...afterHash] = url.href.split('#');
  if ((!fragment && afterHash.length > 0) || (!query && beforeFragment.includes('?'))) {
    throw invalidOptions(
      field,
      query ? 'must not have a fragment (`#…`).' : 'must not have a query or a fragment.',
    );
  }
  return url;
}

/**
 * Checks an option that must be an http(s) origin only (scheme, host, port:
 * no path, not even `/`), or throws `ERR_INVALID_OPTIONS` naming `field`.
 */
export function parseOriginOption(field: string, value: unknown): string {
  let origin: string | undefined;
  try {
    origin = typeof value === 'string' ? new URL(value).origin : undefined;
  } catch {
    origin = undefined;
  }
  if (origin === undefined || origin !== value || !/^https?:\/\//.test(origin)) {
    throw invalidOptions(
      field,
      'must be an http(s) origin only, e.g. "https://authorize.music.apple.com" (no path, no trailing slash).',
    );
  }
  return origin;
}
