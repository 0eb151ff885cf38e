import type { MusicUserTokenResult } from './request-music-user-token.js';

/**
 * Reads the result Apple's page leaves when it has no opener and redirects to
 * `referrer#<base64 JSON {itre, musicUserToken, cid}>` instead (PROTOCOL.md
 * section 7, in-app web views), and removes it from the address bar with
 * `history.replaceState`. Returns `undefined`, touching nothing, when the
 * hash holds no such result. `itre` is read as the restricted flag
 * (inferred from MusicKit JS v1).
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
