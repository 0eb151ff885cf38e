/**
 * The `sessionStorage` key of this tab's pending authorization attempt: the
 * time (ms since the epoch) at which it opened Apple's page.
 */
export const AUTHORIZATION_ATTEMPT_KEY = 'apple-music-auth:attempt';

/**
 * How long an attempt may wait for Apple's redirect: 10 minutes, the default
 * lifetime of the login state, so a result arriving later is refused.
 */
export const AUTHORIZATION_ATTEMPT_LIFETIME_MS = 10 * 60_000;

/**
 * Records that this tab is about to open Apple's page (docs/protocol.md section
 * 7), so that {@link consumeAuthorizationAttempt} later accepts one
 * redirected result. Call it synchronously right before `window.open` (or
 * before MusicKit's `authorize()`, which opens the window). Returns false
 * when `sessionStorage` is unavailable: a redirected result is then refused.
 *
 * Why `sessionStorage`: nothing outside this tab can read or write it, not a
 * page on another site that links here, nor another tab of this site. It also
 * covers both windows that Apple may redirect back to `referrer#…`:
 * - the same tab, when a web view loads Apple's page in place: the entry
 *   survives the round trip through Apple's origin;
 * - the popup, when Apple redirects its own window: Chromium copies the
 *   opener's `sessionStorage` into a window opened with `window.open`, so the
 *   entry written before the call is in the popup too (a web view that opens
 *   an unrelated window without that copy gets no redirect login; the user
 *   clicks again).
 *
 * The entry holds only its start time: its presence in this tab is the
 * proof, as Apple's redirect carries no field in which an id could come back.
 * So while an attempt is pending, a page that holds a handle to this very tab
 * (one that opened it) could still navigate it to a forged hash; the attempt
 * is pending only between the user's click and Apple's answer.
 */
export function startAuthorizationAttempt(win: Window = window, now = Date.now()): boolean {
  try {
    win.sessionStorage.setItem(AUTHORIZATION_ATTEMPT_KEY, String(now));
    return true;
  } catch {
    return false;
  }
}

/**
 * Ends this tab's attempt, if any, answering whether it was pending and
 * younger than {@link AUTHORIZATION_ATTEMPT_LIFETIME_MS}: true at most once
 * per {@link startAuthorizationAttempt}. Call it when a redirected result
 * arrives (accept the result only on true), and when the attempt ends any
 * other way (the popup answered, was closed, or timed out), so that a
 * result replayed later is refused.
 */
export function consumeAuthorizationAttempt(win: Window = window, now = Date.now()): boolean {
  try {
    const storage = win.sessionStorage;
    const started = storage.getItem(AUTHORIZATION_ATTEMPT_KEY);
    storage.removeItem(AUTHORIZATION_ATTEMPT_KEY);
    if (started === null || !/^\d+$/.test(started)) return false;
    const age = now - Number(started);
    return age >= 0 && age <= AUTHORIZATION_ATTEMPT_LIFETIME_MS;
  } catch {
    return false;
  }
}
