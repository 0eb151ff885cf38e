import { invalidOptions } from '../errors.js';
import { parseHttpURLOption } from '../http/http-url.js';
import { APPLE_ENDPOINTS } from './apple-endpoints.js';

/** Apple's authorization popup, the page MusicKit JS opens. */
export const DEFAULT_AUTHORIZE_URL = APPLE_ENDPOINTS.authorize;

/** What Apple's popup shows about your app, and the developer token it acts for. */
export interface ThirdPartyOptions {
  /** The developer token (ES256 JWT) the browser may see. */
  developerToken: string;
  /** Your app's name as the popup shows it. MusicKit itself sends the page's host. */
  appName?: string;
  /** Absolute https URL of your app's icon (http only on localhost). */
  appIconURL?: string;
}

/**
 * Options of {@link buildAuthorizeURL}.
 *
 * @inline
 */
export interface AuthorizeURLOptions extends ThirdPartyOptions {
  /**
   * The full URL of the page that opens the popup (the bridge page). Apple
   * posts its messages to this URL's origin, so it must be the real opener.
   */
  referrer: string;
  /** The popup page; defaults to Apple's, e.g. the sandbox's `authorizeURL` in tests. */
  baseURL?: string;
}

/**
 * Builds the URL of Apple's authorization popup (docs/protocol.md section 1):
 * `<baseURL>?a=<base64 JSON>&referrer=<referrer>&app=music&p=subscribe`.
 * The JSON has every non-ASCII character escaped as `\uXXXX`, so `a` is
 * the same as MusicKit's `btoa(JSON.stringify(…))` for ASCII names, and a
 * page that decodes with `atob` reads any name right.
 *
 * Runs in browsers and in Node. Throws `ERR_INVALID_OPTIONS` naming the field
 * when an option is missing or malformed.
 */
export function buildAuthorizeURL(options: AuthorizeURLOptions): string {
  const third = checkThirdParty(options);
  const base = parseHttpURLOption(
    'baseURL',
    options.baseURL ?? DEFAULT_AUTHORIZE_URL,
    'https-or-loopback',
    { query: false },
  );
  const referrer = parseHttpURLOption('referrer', options.referrer, 'http-or-https', {
    fragment: true,
  });
  if (referrer.hash !== '') {
    throw invalidOptions(
      'referrer',
      'must not have a fragment: pass `location.href` without `#…`.',
    );
  }
  const payload = escapeNonASCII(
    JSON.stringify({
      thirdPartyIconURL: third.appIconURL,
      thirdPartyName: third.appName,
      thirdPartyToken: third.developerToken,
    }),
  );
  const params: [string, string][] = [
    ['a', btoa(payload)],
    ['referrer', referrer.href],
    ['app', 'music'],
    ['p', 'subscribe'],
  ];
  const query = params
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
    .join('&');
  return `${base.href}?${query}`;
}

/**
 * The answer to the popup's `thirdPartyInfo` request (docs/protocol.md section 2):
 * a JSON string of `{thirdPartyIconURL, thirdPartyName, thirdPartyParameters: {}, thirdPartyToken}`,
 * undefined keys dropped.
 */
export function buildThirdPartyInfo(options: ThirdPartyOptions): string {
  const third = checkThirdParty(options);
  return JSON.stringify({
    thirdPartyIconURL: third.appIconURL,
    thirdPartyName: third.appName,
    thirdPartyParameters: {},
    thirdPartyToken: third.developerToken,
  });
}

/** JSON text with every non-ASCII UTF-16 unit as `\uXXXX`: still the same JSON, and pure ASCII. */
function escapeNonASCII(json: string): string {
  return json.replace(
    /[\u0080-\uffff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function checkThirdParty(options: ThirdPartyOptions): ThirdPartyOptions {
  const { developerToken, appName, appIconURL } = options;
  if (typeof developerToken !== 'string' || developerToken.trim() === '') {
    throw invalidOptions(
      'developerToken',
      'must be a non-empty string: the developer token (ES256 JWT) the browser may see.',
    );
  }
  if (appName !== undefined && (typeof appName !== 'string' || appName.trim() === '')) {
    throw invalidOptions('appName', 'must be a non-empty string when given, e.g. "My App".');
  }
  if (appIconURL !== undefined) {
    parseHttpURLOption('appIconURL', appIconURL, 'https-or-loopback');
  }
  return { developerToken, appName, appIconURL };
}
