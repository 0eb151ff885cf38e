/**
 * The `sessionStorage` key of this tab's pending authorization attempt: a
 * JSON `{ id, expiresAt, inPlace }` ({@link AuthorizationAttempt}).
 */
export const AUTHORIZATION_ATTEMPT_KEY = 'apple-music-auth:attempt';

/**
 * The query parameter that carries the attempt's id in the `referrer` URL
 * given to Apple. Apple redirects to `referrer#<result>`, so the page that
 * receives a redirected result finds the id in its own URL.
 */
export const AUTHORIZATION_ATTEMPT_PARAM = 'apple_music_auth_attempt';

/** A pending attempt as this tab stores it. */
export interface AuthorizationAttempt {
  /** 128 random bits, hex: only this tab and the `referrer` given to Apple hold it. */
  id: string;
  /** When the attempt ends at the latest (ms since the epoch): the popup's timeout. */
  expiresAt: number;
  /** True when Apple's page was loaded in this very tab (a web view without popups). */
  inPlace: boolean;
}

const ID_PATTERN = /^[0-9a-f]{32}$/;

/**
 * Starts this tab's authorization attempt (docs/protocol.md section 7) and
 * returns its id, to be carried in the `referrer` URL given to Apple (see
 * {@link attemptReferrer}): a redirected result is then accepted only on a
 * page whose URL carries this id, once, within `lifetimeMs`. Call it
 * synchronously right before `window.open` (or before MusicKit's
 * `authorize()`, which opens the window); a newer attempt replaces an older
 * one. Returns `undefined` when `sessionStorage` is unavailable: a redirected
 * result is then refused.
 *
 * Why `sessionStorage`: nothing outside this tab can read or write it, not a
 * page on another site that links here, nor another tab of this site. It
 * covers both windows that Apple may redirect back to `referrer#…`: this tab,
 * when a web view loads Apple's page in place (the entry survives the round
 * trip), and the popup, when Apple redirects its own window (Chromium copies
 * the opener's `sessionStorage` into a window opened with `window.open`, so
 * the entry written before the call is in the popup too). A link that someone
 * else wrote cannot carry the id: it is random and never leaves this tab but
 * to Apple.
 */
export function startAuthorizationAttempt(
  win: Window,
  lifetimeMs: number,
  now = Date.now(),
): string | undefined {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  const id = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return writeAttempt(win, { id, expiresAt: now + lifetimeMs, inPlace: false }) ? id : undefined;
}

/**
 * Records that attempt `id` loaded Apple's page in this very tab (`window.open`
 * returned this window), so that leaving the page for Apple's keeps it.
 */
export function markAttemptInPlace(win: Window, id: string): void {
  const attempt = readAttempt(win);
  if (attempt?.id === id) writeAttempt(win, { ...attempt, inPlace: true });
}

/** This tab's pending attempt as stored, or `undefined` (none, unreadable or malformed). */
export function readAttempt(win: Window): AuthorizationAttempt | undefined {
  try {
    const value: unknown = JSON.parse(win.sessionStorage.getItem(AUTHORIZATION_ATTEMPT_KEY) ?? '');
    if (typeof value !== 'object' || value === null) return undefined;
    const { id, expiresAt, inPlace } = value as Record<string, unknown>;
    if (typeof id !== 'string' || !ID_PATTERN.test(id)) return undefined;
    if (typeof expiresAt !== 'number' || typeof inPlace !== 'boolean') return undefined;
    return { id, expiresAt, inPlace };
  } catch {
    return undefined;
  }
}

/**
 * Ends this tab's attempt, if any, and returns it when it was the attempt
 * `id` and had not expired: at most once per {@link startAuthorizationAttempt}.
 * Call it when a redirected result arrives on a page whose URL carries `id`
 * (accept the result only when it returns the attempt).
 */
export function consumeAuthorizationAttempt(
  win: Window,
  id: string | null | undefined,
  now = Date.now(),
): AuthorizationAttempt | undefined {
  const attempt = readAttempt(win);
  removeAttempt(win);
  if (attempt === undefined || attempt.id !== id || now > attempt.expiresAt) return undefined;
  return attempt;
}

/**
 * Ends the attempt `id` when it is still this tab's (a newer one is kept): when
 * the attempt ended any other way (the popup answered, was closed, or timed
 * out), or the page is going away.
 */
export function endAuthorizationAttempt(win: Window, id: string): void {
  if (readAttempt(win)?.id === id) removeAttempt(win);
}

/** Ends whatever attempt this tab holds: a page that loads without a result ends it. */
export function dropAuthorizationAttempt(win: Window): void {
  removeAttempt(win);
}

/**
 * The `referrer` for Apple's page: `href` without its fragment, with the
 * attempt id as the {@link AUTHORIZATION_ATTEMPT_PARAM} query parameter (any
 * earlier one replaced), or without that parameter when `id` is `undefined`.
 */
export function attemptReferrer(href: string, id: string | undefined): string {
  const url = new URL(href);
  url.hash = '';
  // Re-serialises the query only when it held the parameter: other fields stay as written.
  if (url.searchParams.has(AUTHORIZATION_ATTEMPT_PARAM)) {
    url.searchParams.delete(AUTHORIZATION_ATTEMPT_PARAM);
  }
  if (id !== undefined) {
    const field = `${AUTHORIZATION_ATTEMPT_PARAM}=${encodeURIComponent(id)}`;
    url.search = url.search === '' ? field : `${url.search}&${field}`;
  }
  return url.href;
}

function writeAttempt(win: Window, attempt: AuthorizationAttempt): boolean {
  try {
    win.sessionStorage.setItem(AUTHORIZATION_ATTEMPT_KEY, JSON.stringify(attempt));
    return true;
  } catch {
    return false;
  }
}

function removeAttempt(win: Window): void {
  try {
    win.sessionStorage.removeItem(AUTHORIZATION_ATTEMPT_KEY);
  } catch {
    // Storage unavailable: there is no attempt to end.
  }
}
