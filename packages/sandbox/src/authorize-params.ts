/** The app description carried, base64-encoded, in the popup URL's `a` parameter. */
export interface ThirdPartyDescription {
  /** The developer token. */
  thirdPartyToken: string;
  /** The app's name as shown to the user (MusicKit v3 sends the opener's `location.host`). */
  thirdPartyName?: string;
  /** Absolute URL of the app's icon. */
  thirdPartyIconURL?: string;
}

/** A well-formed popup URL: `/woa?a=<A>&referrer=<R>&app=music&p=subscribe`. */
export interface AuthorizeParams {
  /** The decoded `a`. */
  app: ThirdPartyDescription;
  /** The opener's full URL. */
  referrer: string;
  /** The origin of `referrer`: where the popup posts its messages. */
  referrerOrigin: string;
}

/** Either the parsed parameters or what is wrong with them. */
export type AuthorizeParamsResult =
  | { ok: true; params: AuthorizeParams }
  | { ok: false; problem: string };

const STANDARD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Reads the query of a popup URL as Apple's page would: `app=music`,
 * `p=subscribe`, an absolute http(s) `referrer`, and `a` = standard base64
 * (not URL-safe) of the JSON `{thirdPartyIconURL, thirdPartyName,
 * thirdPartyToken}`, decoded as Apple's page most likely does: `atob`, then
 * `JSON.parse` of the Latin-1 text. So non-ASCII names must be escaped as
 * `\uXXXX` in the JSON; raw UTF-8 bytes show as mojibake ("CafÃ©"), as
 * they would at Apple. Problems are described without echoing the token.
 */
export function parseAuthorizeParams(query: URLSearchParams): AuthorizeParamsResult {
  const a = query.get('a');
  if (!a) {
    return fail(
      'The a parameter is missing: it must be base64 of the JSON {thirdPartyIconURL, thirdPartyName, thirdPartyToken}.',
    );
  }
  const decoded = decodeA(a);
  if (typeof decoded === 'string') return fail(decoded);

  const referrer = query.get('referrer');
  if (!referrer) {
    return fail(
      'The referrer parameter is missing: it must be the full URL of the page that opened this popup.',
    );
  }
  let referrerURL: URL;
  try {
    referrerURL = new URL(referrer);
  } catch {
    return fail("The referrer parameter is not an absolute URL: pass the opener's location.href.");
  }
  if (referrerURL.protocol !== 'https:' && referrerURL.protocol !== 'http:') {
    return fail('The referrer parameter must be an http or https URL.');
  }

  const app = query.get('app');
  if (app !== 'music') return fail('The app parameter must be "music".');
  const p = query.get('p');
  if (p !== 'subscribe') return fail('The p parameter must be "subscribe".');

  return { ok: true, params: { app: decoded, referrer, referrerOrigin: referrerURL.origin } };
}

function decodeA(a: string): ThirdPartyDescription | string {
  if (a.includes(' ')) {
    return 'The a parameter contains spaces: a "+" of its base64 was not percent-encoded (encode each parameter with encodeURIComponent).';
  }
  if (!STANDARD_BASE64.test(a)) {
    return 'The a parameter is not standard base64 (A-Z, a-z, 0-9, "+", "/", "=" padding; not URL-safe base64).';
  }
  let value: unknown;
  try {
    value = JSON.parse(atob(a));
  } catch {
    return 'The a parameter does not decode to JSON (atob, then JSON.parse).';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'The a parameter must decode to a JSON object.';
  }
  const { thirdPartyToken, thirdPartyName, thirdPartyIconURL } = value as Record<string, unknown>;
  if (typeof thirdPartyToken !== 'string' || thirdPartyToken === '') {
    return 'The a parameter has no thirdPartyToken (the developer token).';
  }
  if (thirdPartyName !== undefined && typeof thirdPartyName !== 'string') {
    return 'The thirdPartyName in the a parameter must be a string.';
  }
  if (thirdPartyIconURL !== undefined && typeof thirdPartyIconURL !== 'string') {
    return 'The thirdPartyIconURL in the a parameter must be a string.';
  }
  const description: ThirdPartyDescription = { thirdPartyToken };
  if (thirdPartyName !== undefined) description.thirdPartyName = thirdPartyName;
  if (thirdPartyIconURL !== undefined) description.thirdPartyIconURL = thirdPartyIconURL;
  return description;
}

function fail(problem: string): AuthorizeParamsResult {
  return { ok: false, problem };
}
