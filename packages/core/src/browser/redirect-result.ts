import { consumeAuthorizationAttempt } from './authorization-attempt.js';
import type { MusicUserTokenResult } from './request-music-user-token.js';

/**
 * Reads the result Apple's page leaves when it has no opener and redirects to
 * `referrer#<base64 JSON {itre, musicUserToken, cid}>` instead (docs/protocol.md
 * section 7, in-app web views). `itre` is read as the restricted flag
 * (inferred from MusicKit JS v1).
 *
 * Anyone can link to a page with such a hash, so the result is returned only
 * as the answer to this tab's pending attempt (see
 * {@link startAuthorizationAttempt}, which {@link requestMusicUserToken}
 * calls), and that attempt is consumed: a hash this tab did not ask for, or
 * one replayed after its attempt ended, gives `undefined`. Either way a hash
 * holding a result is removed from the address bar with
 * `history.replaceState`; other hashes are left alone. Call it as early as
 * the page's script runs, before MusicKit's script, which would read the hash
 * itself.
 */
export function readRedirectedMusicUserToken(
  win: Window = window,
): MusicUserTokenResult | undefined {
  const hash = win.location.hash.slice(1);
  if (hash === '') return undefined;
  const payload = decodePayload(hash);
  if (payload === undefined) return undefined;
  const { musicUserToken, itre } = payload;
  if (typeof musicUserToken !== 'string' || musicUserToken === '') return undefined;
  win.history.replaceState(win.history.state, '', win.location.pathname + win.location.search);
  if (!consumeAuthorizationAttempt(win)) return undefined;
  return { musicUserToken, restricted: itre === true || itre === '1' || itre === 1 };
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
