import { escapeHTML } from './html.js';

/**
 * The look every page this library renders shares: one centred card on a
 * grey (light) or black (dark) ground, following `prefers-color-scheme`,
 * with a heading, a muted lead paragraph and a full-width primary `button`
 * (or link with class `button`). Text and muted text meet WCAG AA (4.5:1)
 * on the card in both schemes.
 */
const PAGE_SHELL_CSS = `
:root{color-scheme:light dark;--bg:#f2f2f7;--card:#fff;--text:#1d1d1f;--muted:#5f5f66;--line:rgba(0,0,0,.1);--button:#1d1d1f;--button-text:#fff;--button-hover:#3a3a3c;--focus:#0a66d8;--error:#b3122f;--shadow:0 1px 2px rgba(0,0,0,.04),0 12px 32px rgba(0,0,0,.08)}
@media (prefers-color-scheme:dark){:root{--bg:#000;--card:#1c1c1e;--text:#f5f5f7;--muted:#a8a8ad;--line:rgba(255,255,255,.14);--button:#f5f5f7;--button-text:#1d1d1f;--button-hover:#d8d8dc;--focus:#4d9dff;--error:#ff7a8a;--shadow:none}}
*{box-sizing:border-box}
body{margin:0;min-height:100vh;min-height:100dvh;display:flex;align-items:center;justify-content:center;padding:24px 16px;background:var(--bg);color:var(--text);font:16px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",system-ui,Roboto,"Helvetica Neue",Arial,sans-serif;-webkit-font-smoothing:antialiased}
.card{width:100%;max-width:440px;padding:40px 36px 28px;background:var(--card);border:1px solid var(--line);border-radius:22px;box-shadow:var(--shadow);text-align:center}
h1{margin:0 0 6px;font-size:1.5rem;line-height:1.25;font-weight:700;letter-spacing:-.01em;overflow-wrap:anywhere}
.lead{margin:0 0 28px;color:var(--muted);text-wrap:balance}
button,.button{display:block;width:100%;min-height:50px;padding:12px 16px;text-align:center;text-decoration:none;line-height:1.4;border:0;border-radius:12px;background:var(--button);color:var(--button-text);font:inherit;font-size:1.0625rem;font-weight:600;cursor:pointer;transition:background-color .15s}
button:hover,.button:hover{background:var(--button-hover)}
button:focus-visible,.button:focus-visible{outline:3px solid var(--focus);outline-offset:3px}
@media (max-width:480px){body{padding:16px 12px}.card{padding:32px 20px 22px;border-radius:18px}}
`.trim();

/** The pages' icon, a music note on Apple Music's red, drawn in SVG. */
const FAVICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#fa2d48"/><path fill="#fff" d="M23 6.5v13a3.6 3.6 0 1 1-2.2-3.3v-6.4l-8.6 1.9v9.4a3.6 3.6 0 1 1-2.2-3.3V9.6a1.1 1.1 0 0 1 .86-1.07l10.8-2.4A1.1 1.1 0 0 1 23 6.5Z"/></svg>';

/**
 * The `data:` URL of the pages' icon: inline, so browsers make no
 * `/favicon.ico` request. A page's CSP must allow it with `img-src data:`.
 */
export const FAVICON_DATA_URL = `data:image/svg+xml,${encodeURIComponent(FAVICON_SVG)}`;

/** The parts of a page that differ between the bridge page and the failure pages. */
export interface PageShellInput {
  /** The page's language tag. */
  lang: string;
  /** The document title, as plain text (escaped here). */
  title: string;
  /** The CSP nonce of the `<style>` element (and of the page's scripts). */
  nonce: string;
  /** Rules only this page needs, appended after the shared ones. */
  css: string;
  /** The card's inner HTML, already escaped. */
  card: string;
  /** HTML after the card (e.g. the page's scripts), already escaped. */
  afterCard?: string;
}

/**
 * Renders the HTML document every page of this library uses: the shared
 * head (charset, viewport, both colour schemes, the inline icon, one nonce'd style element)
 * and the card in `<main class="card">`.
 */
export function renderPageShell(input: PageShellInput): string {
  const afterCard = input.afterCard === undefined ? '' : `${input.afterCard}\n`;
  return `<!doctype html>
<html lang="${escapeHTML(input.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${escapeHTML(input.title)}</title>
<link rel="icon" href="${FAVICON_DATA_URL}">
<style nonce="${input.nonce}">${PAGE_SHELL_CSS}\n${input.css.trim()}</style>
</head>
<body>
<main class="card">
${input.card}
</main>
${afterCard}</body>
</html>
`;
}
