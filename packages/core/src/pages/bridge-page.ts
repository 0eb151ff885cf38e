import { invalidOptions } from '../errors.js';
import { parseHttpURLOption, parseOriginOption } from '../http/http-url.js';
import { APPLE_ENDPOINTS } from '../protocol/apple-endpoints.js';
import {
  BRIDGE_BUTTON_ID,
  BRIDGE_CONFIG_ELEMENT_ID,
  BRIDGE_STATUS_ID,
  type BridgeConfig,
} from '../protocol/bridge-config.js';
import { APPLE_ID_PATTERN } from '../tokens/developer-token.js';
import { bridgePageHeaders } from './bridge-page-headers.js';
import { bridgeScript } from './bridge-script.generated.js';
import { createCSPNonce, escapeHTML } from './html.js';
import { renderPageShell } from './page-shell.js';

/** Options of {@link renderBridgePage}. */
export interface RenderBridgePageOptions {
  /** Your app's name, shown on the page and in Apple's popup. */
  appName: string;
  /** Absolute https URL of your app's icon; the page's only external resource. */
  appIconURL?: string;
  /** The app build MusicKit is configured with (musickit mode), default `'1.0.0'`. */
  appBuild?: string;
  /** The developer token the browser may see (best with an `origin` claim). */
  developerToken: string;
  /** The signed login state, posted back to the callback with the result. */
  state: string;
  /** Absolute URL of the callback route the page posts the result to. */
  callbackURL: string;
  /** The popup page; defaults to Apple's, e.g. the sandbox's `authorizeURL`. */
  authorizeURL?: string;
  /** The origin the popup's messages come from; defaults to `authorizeURL`'s origin. */
  authorizeOrigin?: string;
  /** `'popup'` (default) speaks Apple's popup protocol; `'musickit'` loads MusicKit JS v3. */
  ui?: 'popup' | 'musickit';
  /** MusicKit JS v3 (musickit mode); defaults to Apple's CDN. */
  musicKitScriptURL?: string;
  /** The Apple Music API MusicKit calls (musickit mode); defaults to Apple's. */
  apiURL?: string;
  /** Your Apple team id; required in musickit mode to clear MusicKit's cached token. */
  teamId?: string;
  /** The CSP nonce; defaults to 16 fresh random bytes, base64. */
  nonce?: string;
  /** The page's language tag, default `'en'`. */
  lang?: string;
}

/** The rendered bridge page: write status, headers and body as they are. */
export interface BridgePage {
  status: 200;
  headers: Record<string, string>;
  body: string;
}

/**
 * Renders the bridge page (docs/protocol.md): one "Continue with Apple
 * Music" button that opens Apple's popup and posts the result to the callback
 * as a form. Configured values reach the page only as escaped text and as
 * escaped JSON; the response carries a strict nonce-based CSP. Throws
 * `ERR_INVALID_OPTIONS` naming the field when an option is malformed.
 */
export function renderBridgePage(options: RenderBridgePageOptions): BridgePage {
  const ui = options.ui ?? 'popup';
  if (ui !== 'popup' && ui !== 'musickit') {
    throw invalidOptions('ui', `must be 'popup' or 'musickit', got ${JSON.stringify(ui)}.`);
  }
  const appName = requiredString('appName', options.appName, 'your app name, e.g. "My App"');
  const appIconURL = optionalURL('appIconURL', options.appIconURL);
  const appBuild =
    options.appBuild === undefined
      ? '1.0.0'
      : requiredString('appBuild', options.appBuild, 'a build string, e.g. "1.0.0"');
  const developerToken = requiredString(
    'developerToken',
    options.developerToken,
    'the developer token (ES256 JWT) the browser may see',
  );
  const state = requiredString('state', options.state, 'the signed login state');
  const callbackURL = parseHttpURLOption(
    'callbackURL',
    options.callbackURL,
    'https-or-loopback',
  ).href;
  const authorize = parseHttpURLOption(
    'authorizeURL',
    options.authorizeURL ?? APPLE_ENDPOINTS.authorize,
    'https-or-loopback',
    { query: false },
  );
  const authorizeOrigin =
    options.authorizeOrigin === undefined
      ? authorize.origin
      : parseOriginOption('authorizeOrigin', options.authorizeOrigin);
  const musicKitScriptURL =
    optionalURL('musicKitScriptURL', options.musicKitScriptURL) ?? APPLE_ENDPOINTS.musicKitScript;
  const apiURL = optionalURL('apiURL', options.apiURL) ?? APPLE_ENDPOINTS.api;
  const teamId = ui === 'musickit' ? requiredTeamId(options.teamId) : undefined;
  const nonce = options.nonce === undefined ? createCSPNonce() : checkNonce(options.nonce);
  const lang = options.lang ?? 'en';
  if (typeof lang !== 'string' || !/^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$/.test(lang)) {
    throw invalidOptions('lang', 'must be a language tag, e.g. "en" or "pt-BR".');
  }

  const config: BridgeConfig = {
    ui,
    appName,
    ...(appIconURL === undefined ? {} : { appIconURL }),
    appBuild,
    developerToken,
    state,
    callbackURL,
    authorizeURL: authorize.href,
    authorizeOrigin,
    ...(teamId === undefined ? {} : { teamId }),
  };
  const headers = bridgePageHeaders({
    nonce,
    ui,
    callbackURL,
    appIconURL,
    musicKitScriptURL,
    apiURL,
  });
  const body = bridgePageHTML({ config, nonce, lang, musicKitScriptURL });
  return { status: 200, headers, body };
}

/** JSON that is safe inside a `<script>` element: no `<`, `>`, `&` or anything but ASCII left raw. */
function scriptSafeJSON(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&]|[^\0-\x7f]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function bridgePageHTML(page: {
  config: BridgeConfig;
  nonce: string;
  lang: string;
  musicKitScriptURL: string;
}): string {
  const { config, nonce, lang } = page;
  const name = escapeHTML(config.appName);
  const icon =
    config.appIconURL === undefined
      ? ''
      : `<img class="icon" src="${escapeHTML(config.appIconURL)}" alt="" width="72" height="72">\n`;
  const musicKit =
    config.ui === 'musickit'
      ? `\n<script nonce="${nonce}" src="${escapeHTML(page.musicKitScriptURL)}" async></script>`
      : '';
  return renderPageShell({
    lang,
    title: `Connect Apple Music · ${config.appName}`,
    nonce,
    css: BRIDGE_CSS,
    card: `${icon}<h1>${name}</h1>
<p class="lead">Connect your Apple Music account to continue.</p>
<button type="button" id="${BRIDGE_BUTTON_ID}">${NOTE_SVG}<span>Continue with Apple Music</span></button>
<p class="status" id="${BRIDGE_STATUS_ID}" role="status" aria-live="polite"></p>
<noscript><p class="noscript">This page needs JavaScript to connect Apple Music. Turn it on, then reload the page.</p></noscript>
<p class="explain">A window from Apple will open and ask whether ${name} may use your Apple Music account. Your Apple ID password stays with Apple.</p>`,
    afterCard: `<script type="application/json" id="${BRIDGE_CONFIG_ELEMENT_ID}" nonce="${nonce}">${scriptSafeJSON(config)}</script>
<script nonce="${nonce}">${bridgeScript}</script>${musicKit}`,
  });
}

const NOTE_SVG =
  '<svg aria-hidden="true" focusable="false" viewBox="0 0 24 24" width="20" height="20"><path fill="currentColor" d="M19 3.2v11.6a3.2 3.2 0 1 1-2-2.97V7.6l-8 1.78v7.42a3.2 3.2 0 1 1-2-2.97V6.2a1 1 0 0 1 .78-.98l10-2.22A1 1 0 0 1 19 3.2Z"/></svg>';

/** The bridge page's own rules, after the shared card look of {@link renderPageShell}. */
const BRIDGE_CSS = `
.icon{display:block;width:72px;height:72px;margin:0 auto 18px;border-radius:16px;object-fit:cover}
button:disabled{opacity:.55;cursor:default}
button svg{display:inline-block;margin-right:8px;vertical-align:-4px}
.status{min-height:1.4em;margin:14px 0 0;font-size:.9375rem;line-height:1.4;color:var(--muted);text-wrap:balance;overflow-wrap:anywhere}
.status:empty{margin-top:6px}
.status[data-status=popup_blocked],.status[data-status=access_denied],.status[data-status=unavailable],.status[data-status=cancelled],.status[data-status=load_failed],.status[data-status=broken],.status[data-status=origin_not_allowed],.status[data-status=popup_silent]{color:var(--error)}
.noscript{margin:16px 0 0;color:var(--error)}
.explain{margin:18px 0 0;padding-top:18px;text-wrap:pretty;border-top:1px solid var(--line);font-size:.875rem;line-height:1.45;color:var(--muted)}
`;

function requiredString(field: string, value: unknown, what: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw invalidOptions(field, `must be a non-empty string: ${what}.`);
  }
  return value;
}

function optionalURL(field: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  return parseHttpURLOption(field, value, 'https-or-loopback').href;
}

function requiredTeamId(value: unknown): string {
  if (typeof value !== 'string' || !APPLE_ID_PATTERN.test(value)) {
    throw invalidOptions(
      'teamId',
      'is required with ui: "musickit" (it names MusicKit\'s cached token): your 10-character Apple team id.',
    );
  }
  return value;
}

function checkNonce(value: unknown): string {
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/_-]{16,}={0,2}$/.test(value)) {
    throw invalidOptions(
      'nonce',
      'must be at least 16 base64 characters; leave it out to get a fresh one.',
    );
  }
  return value;
}
