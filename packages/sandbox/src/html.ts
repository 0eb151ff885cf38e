import { randomBytes } from 'node:crypto';
import { HttpResponse } from 'msw';

/** Escapes text for an HTML text node or a quoted attribute value. */
export function escapeHTML(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** JSON for a `<script type="application/json">` block: nothing in it can close the element. */
export function scriptSafeJSON(value: unknown): string {
  return JSON.stringify(value)
    .replaceAll('<', '\\u003c')
    .replaceAll('>', '\\u003e')
    .replaceAll('&', '\\u0026')
    .replaceAll('\u2028', '\\u2028')
    .replaceAll('\u2029', '\\u2029');
}

/**
 * The sandbox pages' icon, inline (the CSP's `img-src` allows `data:`), so
 * that browsers make no `/favicon.ico` request: a music note on grey, unlike
 * the apps' red one, to tell the emulator's windows apart.
 */
export const SANDBOX_FAVICON_DATA_URL = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#3a3a3c"/><path fill="#ff6b81" d="M23 6.5v13a3.6 3.6 0 1 1-2.2-3.3v-6.4l-8.6 1.9v9.4a3.6 3.6 0 1 1-2.2-3.3V9.6a1.1 1.1 0 0 1 .86-1.07l10.8-2.4A1.1 1.1 0 0 1 23 6.5Z"/></svg>',
)}`;

/** What a sandbox HTML page is made of. */
export interface PageParts {
  title: string;
  /** Trusted HTML for the body (escape every piece of input that goes into it). */
  body: string;
  /** HTTP status; 200 by default. */
  status?: number;
  /** Data for the client script, placed in `<script type="application/json" id="sandbox-config">`. */
  config?: unknown;
  /** Client script source (trusted, constant); runs under the page's nonce. */
  script?: string;
}

/**
 * An HTML response with the sandbox's look (light and dark), an inline icon,
 * no external assets, and a strict CSP whose nonce covers the inline style and script.
 */
export function htmlResponse(parts: PageParts): Response {
  const nonce = randomBytes(16).toString('base64');
  const config =
    parts.config === undefined
      ? ''
      : `<script type="application/json" id="sandbox-config">${scriptSafeJSON(parts.config)}</script>`;
  const script = parts.script ? `<script nonce="${nonce}">${parts.script}</script>` : '';
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${escapeHTML(parts.title)}</title>
<link rel="icon" href="${SANDBOX_FAVICON_DATA_URL}">
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
${parts.body}
${config}${script}
</body>
</html>
`;
  return new HttpResponse(html, {
    status: parts.status ?? 200,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'content-security-policy': [
        "default-src 'none'",
        `script-src 'nonce-${nonce}'`,
        `style-src 'nonce-${nonce}'`,
        'img-src https: http: data:',
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
      ].join('; '),
    },
  });
}

const STYLE = `
:root{color-scheme:light dark;--bg:#f5f5f7;--card:#fff;--text:#1d1d1f;--muted:#6e6e73;--line:#d2d2d7;--brand:#c8102e;--accent:#c8102e;--accent-text:#fff;--error:#c9184a}
@media (prefers-color-scheme:dark){:root{--bg:#000;--card:#1c1c1e;--text:#f5f5f7;--muted:#a1a1a6;--line:#3a3a3c;--brand:#ff6b81;--accent:#d70f2f;--error:#ff6b81}}
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;background:var(--bg);color:var(--text);font:15px/1.45 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Helvetica,Arial,sans-serif}
main{width:min(520px,100% - 32px);background:var(--card);border:1px solid var(--line);border-radius:18px;padding:28px;margin:16px}
.brand{display:flex;align-items:center;gap:8px;font-weight:600;color:var(--brand)}
.badge{font-size:11px;font-weight:600;text-transform:uppercase;letter-spacing:.06em;color:var(--muted);border:1px solid var(--line);border-radius:6px;padding:1px 6px}
h1{font-size:20px;margin:18px 0 8px}
p{margin:8px 0}
.muted{color:var(--muted);font-size:13px}
.error{color:var(--error)}
.app{display:flex;align-items:center;gap:12px;margin-top:16px}
.app img{width:48px;height:48px;border-radius:11px;border:1px solid var(--line)}
.buttons{display:flex;flex-wrap:wrap;gap:8px;margin:18px 0 8px}
button{font:inherit;border-radius:10px;border:1px solid var(--line);background:transparent;color:var(--text);padding:8px 16px;cursor:pointer}
button.primary{background:var(--accent);border-color:var(--accent);color:var(--accent-text)}
button:disabled{opacity:.45;cursor:default}
label{display:flex;align-items:center;gap:8px;margin-top:12px}
code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:13px}
ul{padding-left:20px}
`;
