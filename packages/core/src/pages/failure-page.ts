import {
  AppleMusicAuthError,
  type AppleMusicAuthErrorCode,
  defaultStatusByCode,
  invalidOptions,
} from '../errors.js';
import { normalizeReturnTo } from '../http/return-to.js';
import { createCSPNonce, escapeHTML } from './html.js';
import { renderPageShell } from './page-shell.js';

/** A rendered page: what an adapter writes to its response. */
export interface RenderedPage {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Where a failure page's two links lead: same-site paths only, e.g. `/auth/apple-music?returnTo=%2Flibrary`. */
export interface ErrorPageLinks {
  /** The login route to start again (with the same `returnTo`); without it there is no "Try again". */
  tryAgainURL?: string;
  /** "Back to the app"; default `/`. */
  backURL?: string;
}

type PageText = readonly [title: string, detail: string];

/** What people read for each outcome of a login that they or their browser caused (below 500). */
const USER_TEXT: Partial<Record<AppleMusicAuthErrorCode, PageText>> = {
  ERR_ACCESS_DENIED: [
    'Apple Music access was declined',
    'You chose not to connect Apple Music. You can try again whenever you like.',
  ],
  ERR_UNAVAILABLE: [
    'Apple Music is not available',
    'Apple Music is not available for this Apple ID or in this country or region. An Apple Music subscription may be needed.',
  ],
  ERR_CANCELLED: [
    'Sign-in was cancelled',
    'The Apple Music window was closed before you finished signing in.',
  ],
  ERR_POPUP_BLOCKED: [
    'The Apple Music window was blocked',
    'Your browser blocked the window that Apple Music opens to sign you in. Allow popups for this site, then try again.',
  ],
  ERR_STATE_EXPIRED: [
    'This sign-in took too long',
    'For your security, signing in has to finish within a few minutes. Please start again.',
  ],
  ERR_STATE_MISSING: [
    'No sign-in is in progress here',
    'There is nothing to continue in this browser. Allow cookies for this site, then start again.',
  ],
  ERR_STATE_MISMATCH: [
    'This sign-in belongs to another attempt',
    'You may have started again in another tab or window. Please start again here.',
  ],
  ERR_STATE_REPLAYED: [
    'This sign-in was already used',
    'Each sign-in can finish once. If that was you, you are done; otherwise please start again.',
  ],
  ERR_STATE_MALFORMED: [
    'This sign-in could not be verified',
    'Part of it was changed or damaged on the way. Please start again.',
  ],
  ERR_CALLBACK_INVALID: [
    'Sign-in did not complete',
    'The answer from the Apple Music window could not be read. Please start again.',
  ],
  ERR_ORIGIN_NOT_ALLOWED: [
    'Sign-in is not set up at this address',
    'This site does not sign in to Apple Music at the address this page was opened at. Open the app at its usual address and start again.',
  ],
  ERR_INVALID_RETURN_TO: [
    'This sign-in link is not valid',
    'The page it should return to is not one this site allows. Go back to the app and start from there.',
  ],
  ERR_USER_TOKEN_REJECTED: [
    'Apple Music did not accept the sign-in',
    'Please sign in to Apple Music again.',
  ],
};

const GENERIC_CLIENT: PageText = [
  'This sign-in could not be completed',
  'Please start again from the app.',
];

/** For every status from 500 up, whatever the code: what broke is not the person's business. */
const GENERIC_SERVER: PageText = [
  'Apple Music sign-in is not working right now',
  'Something went wrong while signing you in. Please try again in a few minutes.',
];

/**
 * The failure page's own rules on top of the shared card look. The links'
 * colours are the card's text colours, so they meet WCAG AA (4.5:1) in
 * both colour schemes.
 */
const ERROR_PAGE_CSS = `
h1{text-wrap:balance}
.nowrap{white-space:nowrap}
.actions{display:grid;gap:12px}
.button.secondary{background:transparent;color:var(--text);box-shadow:inset 0 0 0 1px var(--line)}
.button.secondary:hover{background:var(--line)}
.code{margin:22px 0 0;padding-top:14px;border-top:1px solid var(--line);font-size:.8125rem;line-height:1.4;color:var(--muted)}
.code code{font:inherit;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow-wrap:anywhere}
`;

/**
 * Renders the default page for a failed login, in the bridge page's look:
 * what happened in one line and a short detail for the person, a "Try
 * again" button (when `links.tryAgainURL` is given), "Back to the app"
 * (`links.backURL`, default `/`), the error code in small print, and the
 * error's status. Nothing internal reaches the page: no message, no cause,
 * no stack; from 500 up the text is the same for every code.
 *
 * `error` is an {@link AppleMusicAuthError} or just its `code` and
 * `status` (e.g. read back from a redirect to a GET page). The response
 * carries a strict nonce-based CSP, `no-store` and `nosniff`.
 *
 * @throws AppleMusicAuthError `ERR_INVALID_OPTIONS` when the code is not one
 *   of this library's, the status is not 400-599, or a link is not a
 *   same-site path (see {@link normalizeReturnTo}).
 */
export function renderErrorPage(
  error: Pick<AppleMusicAuthError, 'code' | 'status'>,
  links: ErrorPageLinks = {},
): RenderedPage {
  const { code, status } = checkedError(error);
  const tryAgainURL =
    links.tryAgainURL === undefined ? undefined : sameSitePath('tryAgainURL', links.tryAgainURL);
  const backURL = links.backURL === undefined ? '/' : sameSitePath('backURL', links.backURL);
  const [title, detail] = status >= 500 ? GENERIC_SERVER : (USER_TEXT[code] ?? GENERIC_CLIENT);
  const tryAgain =
    tryAgainURL === undefined
      ? ''
      : `<a class="button" href="${escapeHTML(tryAgainURL)}">Try again</a>\n`;
  const backClass = tryAgain === '' ? 'button' : 'button secondary';
  const nonce = createCSPNonce();
  const body = renderPageShell({
    lang: 'en',
    title,
    nonce,
    css: ERROR_PAGE_CSS,
    card: `<h1>${unbrokenHyphens(title)}</h1>
<p class="lead">${unbrokenHyphens(detail)}</p>
<nav class="actions" aria-label="What to do next">
${tryAgain}<a class="${backClass}" href="${escapeHTML(backURL)}">Back to the app</a>
</nav>
<p class="code">Error code: <code>${escapeHTML(code)}</code></p>`,
  });
  return {
    status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'content-security-policy': `default-src 'none'; style-src 'nonce-${nonce}'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`,
    },
    body,
  };
}

/** Escapes `text` and keeps hyphenated words ("sign-in") on one line. */
function unbrokenHyphens(text: string): string {
  return escapeHTML(text).replace(/\S+-\S+/g, (word) => `<span class="nowrap">${word}</span>`);
}

function checkedError(
  error: Pick<AppleMusicAuthError, 'code' | 'status'>,
): Pick<AppleMusicAuthError, 'code' | 'status'> {
  const { code, status } = error;
  if (typeof code !== 'string' || !Object.hasOwn(defaultStatusByCode, code)) {
    throw invalidOptions('error.code', "must be one of this library's error codes.");
  }
  if (!Number.isInteger(status) || status < 400 || status > 599) {
    throw invalidOptions('error.status', 'must be an HTTP error status (400-599).');
  }
  return { code, status };
}

function sameSitePath(field: keyof ErrorPageLinks, value: unknown): string {
  try {
    return normalizeReturnTo(value);
  } catch (cause) {
    throw new AppleMusicAuthError(
      'ERR_INVALID_OPTIONS',
      `Invalid option \`links.${field}\`: must be a path on this site such as '/auth/apple-music' ` +
        '(no other host, no backslash, no control characters); see the cause for what was wrong.',
      { cause },
    );
  }
}
