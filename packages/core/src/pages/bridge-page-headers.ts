import { MUSICKIT_PLAY_ORIGIN } from '../protocol/apple-endpoints.js';

/** What the bridge page's headers depend on; every URL already validated. */
export interface BridgePageHeadersInput {
  /** The per-response CSP nonce of every `<script>` and `<style>` on the page. */
  nonce: string;
  /** `'musickit'` loads Apple's script and lets it call Apple's API. */
  ui: 'popup' | 'musickit';
  /** The callback the page's form posts to. */
  callbackURL: string;
  /** The app icon, the page's only image besides its inline favicon. */
  appIconURL: string | undefined;
  /** MusicKit JS, in musickit mode. */
  musicKitScriptURL: string;
  /** The Apple Music API MusicKit calls, in musickit mode. */
  apiURL: string;
}

/**
 * The bridge page's response headers: a strict nonce-based CSP, no caching,
 * and the opener and referrer policies Apple's popup needs (docs/protocol.md
 * section 3: never `Cross-Origin-Opener-Policy: same-origin`, never `no-referrer`).
 */
export function bridgePageHeaders(input: BridgePageHeadersInput): Record<string, string> {
  return {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': bridgeContentSecurityPolicy(input),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Opener-Policy': 'same-origin-allow-popups',
    'Referrer-Policy': 'strict-origin-when-cross-origin',
  };
}

/** The bridge page's Content-Security-Policy: nothing is allowed that the page does not use. */
export function bridgeContentSecurityPolicy(input: BridgePageHeadersInput): string {
  const nonce = `'nonce-${input.nonce}'`;
  const musicKit = input.ui === 'musickit';
  const directives: [string, string[]][] = [
    ['default-src', ["'none'"]],
    ['script-src', musicKit ? [nonce, originOf(input.musicKitScriptURL)] : [nonce]],
    ['style-src', [nonce]],
    // data: is the page's inline icon (no /favicon.ico request).
    ['img-src', input.appIconURL === undefined ? ['data:'] : ['data:', originOf(input.appIconURL)]],
    ['connect-src', musicKit ? unique([originOf(input.apiURL), MUSICKIT_PLAY_ORIGIN]) : ["'none'"]],
    ['form-action', [originOf(input.callbackURL)]],
    ['frame-ancestors', ["'none'"]],
    ['base-uri', ["'none'"]],
  ];
  return directives.map(([name, sources]) => `${name} ${sources.join(' ')}`).join('; ');
}

function originOf(url: string): string {
  return new URL(url).origin;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
