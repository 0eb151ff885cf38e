import { type HttpHandler, http } from 'msw';
import { escapeHTML, htmlResponse } from './html.js';
import { MUSICKIT_SCRIPT_PATH } from './musickit-stub.js';
import { SANDBOX_DESCRIPTION_PATH } from './sandbox-description.js';

/** What the index page reports about a running sandbox. */
export interface IndexPageFacts {
  teamId: string;
  keyId: string;
  outcome: () => string;
  restricted: () => boolean;
  storefront: string;
  subscription: boolean;
}

/** Creates the handler of `GET /`: a short page explaining the sandbox's endpoints. */
export function createIndexPageHandlers(facts: IndexPageFacts): HttpHandler[] {
  return [
    http.get('/', ({ request }) => {
      const base = new URL(request.url).origin;
      const endpoint = (method: string, path: string, what: string) =>
        `<li><code>${method} ${escapeHTML(base + path)}</code>: ${what}</li>`;
      return htmlResponse({
        title: 'Apple Music sandbox',
        body: `<main>
<div class="brand">Apple Music <span class="badge">Sandbox</span></div>
<h1>Apple Music sandbox</h1>
<p>An emulator of Apple's authorization popup and of the Apple Music API, for development and tests. It imitates the documented and observed protocol, not Apple's user interface; no Apple account is involved.</p>
<ul>
${endpoint('GET', '/woa?a=…&referrer=…&app=music&p=subscribe', 'the authorization popup (as <code>authorize.music.apple.com/woa</code>)')}
${endpoint('GET', '/v1/me/storefront', "the user's storefront; needs <code>Authorization: Bearer &lt;developer token&gt;</code> and <code>Music-User-Token</code>")}
${endpoint('GET', '/v1/me/recent/played', 'recently played albums, playlists and stations')}
${endpoint('GET', '/v1/me/recent/played/tracks', 'recently played songs')}
${endpoint('GET', MUSICKIT_SCRIPT_PATH, 'a stub of MusicKit JS v3 that opens this popup')}
${endpoint('GET', SANDBOX_DESCRIPTION_PATH, "this sandbox's ids, public key and endpoint URLs, as JSON")}
</ul>
<p class="muted">Team ID <code>${escapeHTML(facts.teamId)}</code>, key ID <code>${escapeHTML(facts.keyId)}</code>, popup outcome <code>${escapeHTML(facts.outcome())}</code>, restricted <code>${String(facts.restricted())}</code>, storefront <code>${escapeHTML(facts.storefront)}</code>, subscription <code>${String(facts.subscription)}</code>.</p>
</main>`,
      });
    }),
  ];
}
