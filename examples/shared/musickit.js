// The examples' "MusicKit in the page" demo: a page that loads MusicKit JS
// and configures it with a developer token from the app's developer-token
// route, through core/browser's createDeveloperTokenSource (served to the
// page as a module). It plays nothing.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { escapeHTML, page } from './pages.js';

/** Where the examples serve {@link tokenSourceModule}. */
export const TOKEN_SOURCE_PATH = '/developer-token-source.js';

/** core/browser (createDeveloperTokenSource among its exports), as the text of one ES module for the browser. */
export const tokenSourceModule = readFileSync(
  createRequire(import.meta.url).resolve('@apple-music-auth/core/browser'),
  'utf8',
);

/** Apple's MusicKit JS v3, when the example talks to Apple rather than the sandbox. */
const APPLE_MUSICKIT_SCRIPT = 'https://js-cdn.music.apple.com/musickit/v3/musickit.js';

/**
 * The MusicKit page: `#musickit-status` ends with `data-state` `configured`
 * or `failed`.
 *
 * @param {{ example: string, tokenPath: string, musicKitScriptURL?: string }} options
 */
export function musicKitPage({ example, tokenPath, musicKitScriptURL }) {
  const script = musicKitScriptURL ?? APPLE_MUSICKIT_SCRIPT;
  return page({
    title: 'MusicKit in the page',
    example,
    content: `<p class="lead">This page configures MusicKit JS with a developer token from <code>${escapeHTML(tokenPath)}</code>; it plays nothing.</p>
<p id="musickit-status" role="status">Loading MusicKit…</p>
<a class="button secondary" href="/">Home</a>
<script type="module">
import { createDeveloperTokenSource } from '${TOKEN_SOURCE_PATH}';
const status = document.getElementById('musickit-status');
const tokens = createDeveloperTokenSource({ url: ${JSON.stringify(tokenPath).replace(/</g, '\\u003c')} });
const ready = window.MusicKit ? Promise.resolve() : new Promise((resolve) => document.addEventListener('musickitloaded', resolve, { once: true }));
ready
  .then(async () => MusicKit.configure({ developerToken: await tokens.getToken(), app: { name: ${JSON.stringify(example).replace(/</g, '\\u003c')}, build: '1.0.0' } }))
  .then(() => { status.textContent = 'MusicKit is configured.'; status.dataset.state = 'configured'; })
  .catch((error) => { status.textContent = 'MusicKit could not be configured: ' + (error?.message ?? error); status.dataset.state = 'failed'; });
</script>
<script src="${escapeHTML(script)}" async></script>`,
  });
}
