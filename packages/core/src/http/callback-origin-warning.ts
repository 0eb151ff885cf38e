import { headerValue, type OriginSource, requestedOrigin } from './request-origin.js';

/** Options of {@link createCallbackOriginWarning}. */
export interface CallbackOriginWarningOptions {
  /** The absolute `callbackURL`. */
  callbackURL: URL;
  /** Read the request's origin from the nearest proxy's `X-Forwarded-*` headers. */
  trustProxy: boolean;
  /** Where the line goes; `console.warn` by default. */
  warn?: (line: string) => void;
}

/** Headers a reverse proxy adds: their presence means `Host` may not be the public one. */
const PROXY_HEADERS = ['x-forwarded-host', 'x-forwarded-for', 'x-forwarded-proto', 'forwarded'];

/**
 * Watches login requests for the mistake of an absolute `callbackURL` on
 * another origin (the README's `https://app.example/...` run on
 * `http://127.0.0.1:3000`): the bridge page then posts to that other origin
 * and its developer token is for that origin only, so Apple's window refuses
 * it. The first such login prints one warning line with the fix; later ones
 * print nothing. The line names origins only, never a token.
 *
 * Only the host counts (a TLS-terminating proxy makes the scheme look like
 * `http`), and a request that came through a proxy (`X-Forwarded-*`,
 * `Forwarded`) without `trustProxy` is not judged: its `Host` may be the
 * proxy's upstream name while the app is served at `callbackURL`'s.
 */
export function createCallbackOriginWarning(
  options: CallbackOriginWarningOptions,
): (request: OriginSource) => void {
  const { callbackURL, trustProxy, warn = (line: string) => console.warn(line) } = options;
  let warned = false;
  return (request) => {
    if (warned) return;
    if (!trustProxy && PROXY_HEADERS.some((name) => headerValue(request.headers, name))) return;
    const origin = requestedOrigin(request, trustProxy);
    if (origin === undefined) return;
    const host = new URL(origin.replace(/^https?:/, callbackURL.protocol)).host;
    if (host === callbackURL.host) return;
    warned = true;
    warn(
      `apple-music-auth: a login was requested at ${origin}, but callbackURL is ${callbackURL.href}: ` +
        `the login page posts there and its developer token is for ${callbackURL.origin}, so Apple's window refuses it at ${origin}. ` +
        `Set callbackURL to a URL on ${origin} (e.g. from an environment variable), or give a path callbackURL with appOrigins; ` +
        'behind a proxy, set trustProxy. (Shown once.)',
    );
  };
}
