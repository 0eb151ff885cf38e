import {
  AUTHORIZATION_ATTEMPT_PARAM,
  attemptReferrer,
  consumeAuthorizationAttempt,
} from './authorization-attempt.js';
import type { MusicUserTokenResult } from './music-user-token-result.js';

/**
 * The fragments MusicKit JS v3 reads as a result on load (docs/protocol.md
 * section 7), whether or not they decode: a page that loads MusicKit must
 * clear such a fragment before MusicKit's script runs.
 */
export const MUSICKIT_RESULT_HASH = /^#[A-Za-z0-9+/]{200,}={0,2}$/;

/** A redirected result that this tab asked for, and the attempt it answers. */
export interface RedirectedResult {
  result: MusicUserTokenResult;
  /** The attempt's id, from this page's URL and this tab's `sessionStorage`. */
  attemptId: string;
  /** True when the attempt loaded Apple's page in this very tab: no other window waits for it. */
  inPlace: boolean;
}

/**
 * Reads the result Apple's page leaves when it has no opener and redirects to
 * `referrer#<base64 JSON {itre, musicUserToken, cid}>` instead (docs/protocol.md
 * section 7, in-app web views). `itre` is read as the restricted flag
 * (inferred from MusicKit JS v1).
 *
 * Anyone can link to a page with such a hash, so the result is returned only
 * when this page's own URL carries the id of this tab's pending attempt (see
 * {@link startAuthorizationAttempt}, which {@link requestMusicUserToken}
 * calls and puts into the `referrer` it gives Apple), and that attempt has
 * not expired. Call it once as the page's script starts: it ends this tab's
 * attempt in any case (a page that loads is the answer to the attempt, or
 * the attempt is over), so a result is read at most once. A hash that holds
 * a result, or that MusicKit would read as one, is removed from the address
 * bar with `history.replaceState`, and so is the attempt id; other hashes are
 * left alone. Call it before MusicKit's script runs, which would read the
 * hash itself.
 */
export function readRedirectedMusicUserToken(
  win: Window = window,
): MusicUserTokenResult | undefined {
  return readRedirectedResult(win)?.result;
}

/** {@link readRedirectedMusicUserToken} with the id of the attempt the result answers. */
export function readRedirectedResult(win: Window): RedirectedResult | undefined {
  const href = win.location.href;
  const { hash, searchParams } = new URL(href);
  const attemptId = searchParams.get(AUTHORIZATION_ATTEMPT_PARAM);
  const payload = hash.length > 1 ? decodePayload(hash.slice(1)) : undefined;
  const token =
    typeof payload?.musicUserToken === 'string' && payload.musicUserToken !== ''
      ? payload.musicUserToken
      : undefined;
  const resultLike = token !== undefined || MUSICKIT_RESULT_HASH.test(hash);
  if (resultLike || attemptId !== null) {
    const kept = attemptReferrer(href, undefined) + (resultLike ? '' : hash);
    win.history.replaceState(win.history.state, '', kept);
  }
  const attempt = consumeAuthorizationAttempt(win, attemptId);
  if (token === undefined || attempt === undefined) return undefined;
  const itre = payload?.itre;
  return {
    result: { musicUserToken: token, restricted: itre === true || itre === '1' || itre === 1 },
    attemptId: attempt.id,
    inPlace: attempt.inPlace,
  };
}

function decodePayload(hash: string): Record<string, unknown> | undefined {
  try {
    const binary = atob(decodeURIComponent(hash));
    const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
    const value: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    return typeof value === 'object' && value !== null
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
