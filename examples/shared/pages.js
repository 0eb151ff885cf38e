// The examples' pages, in the look of the library's bridge page (a card,
// light and dark, AA contrast), so that a first run looks like one product.

/** @param {string} text */
export function escapeHTML(text) {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

const CSS = `:root{color-scheme:light dark;--bg:#f2f2f7;--card:#fff;--text:#1d1d1f;--muted:#5f5f66;--line:rgba(0,0,0,.1);--button:#1d1d1f;--button-text:#fff;--focus:#0a66d8;--shadow:0 1px 2px rgba(0,0,0,.04),0 12px 32px rgba(0,0,0,.08)}
@media (prefers-color-scheme:dark){:root{--bg:#000;--card:#1c1c1e;--text:#f5f5f7;--muted:#a8a8ad;--line:rgba(255,255,255,.14);--button:#f5f5f7;--button-text:#1d1d1f;--focus:#4d9dff;--shadow:none}}
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;padding:24px 16px;background:var(--bg);color:var(--text);font:16px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",system-ui,Roboto,"Helvetica Neue",Arial,sans-serif}
.card{width:100%;max-width:480px;padding:36px;background:var(--card);border:1px solid var(--line);border-radius:22px;box-shadow:var(--shadow);text-align:center}
.eyebrow{margin:0 0 4px;color:var(--muted);font-size:.875rem}
h1{margin:0 0 6px;font-size:1.5rem;line-height:1.25}
h2{margin:28px 0 8px;font-size:1rem;text-align:left}
p{margin:0 0 16px}.lead{margin:0 0 24px;color:var(--muted)}
ul{list-style:none;margin:0 0 24px;padding:0;text-align:left}
li{display:flex;flex-direction:column;padding:10px 0;border-top:1px solid var(--line)}
li small{color:var(--muted)}
ol{margin:0 0 8px;padding-left:1.4em;text-align:left}ol li{display:list-item;padding:4px 0;border:0}
.badge{display:inline-block;padding:0 8px;border:1px solid var(--line);border-radius:999px;font-size:.8125rem}
a{color:var(--text)}
.button,button{display:block;width:100%;min-height:48px;margin:12px 0 0;padding:12px 16px;border:1px solid var(--button);border-radius:12px;background:var(--button);color:var(--button-text);font:inherit;font-weight:600;text-decoration:none;cursor:pointer}
.button.secondary,button.secondary{background:transparent;color:var(--text);border-color:var(--line)}
.button:focus-visible,button:focus-visible,a:focus-visible{outline:3px solid var(--focus);outline-offset:3px}
@media (max-width:480px){.card{padding:28px 20px}}`;

/** The pages' icon, the bridge page's own (a music note on red), inline: no /favicon.ico request. */
export const FAVICON_DATA_URL = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#fa2d48"/><path fill="#fff" d="M23 6.5v13a3.6 3.6 0 1 1-2.2-3.3v-6.4l-8.6 1.9v9.4a3.6 3.6 0 1 1-2.2-3.3V9.6a1.1 1.1 0 0 1 .86-1.07l10.8-2.4A1.1 1.1 0 0 1 23 6.5Z"/></svg>',
)}`;

/**
 * A whole page: the card with `content` inside, titled `title` (each page
 * has its own title: browsers and screen readers list pages by it).
 *
 * @param {{ title: string, example: string, content: string }} page
 */
export function page({ title, example, content }) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${escapeHTML(title)} · ${escapeHTML(example)}</title>
<link rel="icon" href="${FAVICON_DATA_URL}">
<style>${CSS}</style>
</head>
<body>
<main class="card">
<p class="eyebrow">${escapeHTML(example)}</p>
<h1>${escapeHTML(title)}</h1>
${content}
</main>
</body>
</html>
`;
}

/**
 * What a visitor who has not connected Apple Music sees.
 *
 * @param {{ example: string, loginPath: string }} options
 */
export function connectPage({ example, loginPath }) {
  return page({
    title: 'Connect Apple Music',
    example,
    content: `<p class="lead" id="status">Not connected.</p>
<a class="button" id="connect" href="${escapeHTML(loginPath)}?returnTo=%2F">Connect Apple Music</a>`,
  });
}

/**
 * @typedef {{ storefront?: { id: string, name: string } | null, restricted: boolean }} Login
 * @typedef {{ data: { attributes?: { name?: string, artistName?: string, curatorName?: string } }[] }} Played
 */

/**
 * The connected account: storefront, restrictions, and what else the page holds.
 *
 * @param {Login} login
 */
export function accountSummary(login) {
  const storefront = login.storefront
    ? `${login.storefront.name} (${login.storefront.id})`
    : 'unknown';
  const restricted = login.restricted
    ? ' <span class="badge" id="restricted">restricted</span>'
    : '';
  return `<p class="lead" id="status">Connected. Storefront: <span id="storefront">${escapeHTML(storefront)}</span>${restricted}</p>`;
}

/**
 * The recently played items from `/v1/me/recent/played`.
 *
 * @param {Played} played
 */
export function recentList(played) {
  const items = played.data.map((item) => {
    const by = item.attributes?.artistName ?? item.attributes?.curatorName ?? '';
    return `<li><span>${escapeHTML(item.attributes?.name ?? 'Untitled')}</span><small>${escapeHTML(by)}</small></li>`;
  });
  return `<ul id="recent">${items.join('')}</ul>`;
}

/** The form that ends the example's session. */
export const disconnectForm =
  '<form method="post" action="/logout"><button class="secondary">Disconnect</button></form>';

/**
 * The home page: the connected account with links to "Recently played" and
 * "MusicKit in the page", or {@link connectPage} without a login.
 *
 * @param {{ example: string, loginPath: string, login: Login | null | undefined }} options
 */
export function homePage({ example, loginPath, login }) {
  if (!login) return connectPage({ example, loginPath });
  return page({
    title: 'Your Apple Music',
    example,
    content: `${accountSummary(login)}
<a class="button" href="/recent">Recently played</a>
<a class="button secondary" href="/musickit">MusicKit in the page</a>
${disconnectForm}`,
  });
}
