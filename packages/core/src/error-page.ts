import type { AppleMusicAuthError, AppleMusicAuthErrorCode } from './errors.js';
import { createCSPNonce, escapeHTML } from './html.js';

/** A rendered page: what an adapter writes to its response. */
export interface RenderedPage {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const USER_TEXT: Partial<Record<AppleMusicAuthErrorCode, [title: string, detail: string]>> = {
  ERR_ACCESS_DENIED: [
    'Apple Music access was declined',
    'You chose not to connect Apple Music. You can try again at any time.',
  ],
  ERR_UNAVAILABLE: [
    'Apple Music is not available',
    'Apple Music is not available for this Apple ID or in this region. A subscription may be needed.',
  ],
  ERR_CANCELLED: [
    'Sign-in was cancelled',
    'The Apple Music window was closed before it finished. Please try again.',
  ],
  ERR_POPUP_BLOCKED: [
    'The Apple Music window was blocked',
    'Allow popups for this site, then try again.',
  ],
  ERR_STATE_EXPIRED: ['This sign-in took too long', 'Please start again.'],
  ERR_USER_TOKEN_REJECTED: [
    'Apple Music did not accept the sign-in',
    'Please sign in to Apple Music again.',
  ],
};

const GENERIC_CLIENT: [string, string] = [
  'This sign-in could not be completed',
  'Please start again from the app.',
];
const GENERIC_SERVER: [string, string] = [
  'Apple Music sign-in is not working right now',
  'Please try again in a few minutes.',
];

/**
 * Renders the small default page for a failed login: a plain explanation for
 * the person, the right status, and nothing internal (no message, no stack).
 */
export function renderErrorPage(error: AppleMusicAuthError): RenderedPage {
  const [title, detail] =
    USER_TEXT[error.code] ?? (error.status >= 500 ? GENERIC_SERVER : GENERIC_CLIENT);
  const nonce = createCSPNonce();
  const body = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${escapeHTML(title)}</title>
<style nonce="${nonce}">
body{font:16px/1.5 system-ui,-apple-system,sans-serif;margin:0;min-height:100vh;display:grid;place-items:center;background:Canvas;color:CanvasText}
main{max-width:28rem;padding:2rem}
h1{font-size:1.25rem;margin:0 0 .5rem}
p{margin:0 0 1rem;opacity:.85}
a{color:#fa2d48}
</style>
</head>
<body>
<main>
<h1>${escapeHTML(title)}</h1>
<p>${escapeHTML(detail)}</p>
<p><a href="/">Back to the app</a></p>
<p><small>Error code: ${escapeHTML(error.code)}</small></p>
</main>
</body>
</html>
`;
  return {
    status: error.status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'content-security-policy': `default-src 'none'; style-src 'nonce-${nonce}'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`,
    },
    body,
  };
}
