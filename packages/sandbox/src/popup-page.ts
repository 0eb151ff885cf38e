import { type HttpHandler, HttpResponse, http } from 'msw';
import { type AuthorizeParams, parseAuthorizeParams } from './authorize-params.js';
import {
  createDeveloperTokenCheck,
  type DeveloperTokenCheckOptions,
} from './developer-token-check.js';
import { escapeHTML, htmlResponse } from './html.js';
import { assertOneOf } from './one-of.js';
import { POPUP_SCRIPT } from './popup-script.js';
import type { UserTokenRegistry } from './user-token-registry.js';

/**
 * What the emulated user does in the popup once the opener has answered
 * `thirdPartyInfo`: `allow` (sends `authorize` with a fresh token), `decline`,
 * `unavailable` or `switchUserId` (sends that method), `close` (closes the
 * window without a word), `hang` (nothing more, ever: the window stays open
 * and silent, so only the opener's own timeout ends the login), or `manual`
 * (waits for a click on the page).
 * `redirect` allows as Apple's page does when it has no opener (docs/protocol.md
 * section 7): with no message at all, it issues a token for the developer
 * token in `a` and navigates its own window to
 * `referrer#<base64 of JSON {itre, musicUserToken, cid}>`.
 */
export type PopupOutcome =
  | 'allow'
  | 'decline'
  | 'unavailable'
  | 'close'
  | 'switchUserId'
  | 'redirect'
  | 'hang'
  | 'manual';

/** Every {@link PopupOutcome}, for validation and help texts. */
export const POPUP_OUTCOMES: readonly PopupOutcome[] = [
  'allow',
  'decline',
  'unavailable',
  'close',
  'switchUserId',
  'redirect',
  'hang',
  'manual',
];

/**
 * How the popup shapes its JSON-RPC requests. `apple` (the default): as
 * MusicKit's dispatcher does, ids from 0 and `params` always an array.
 * `odd`: ids from 1 and `params` left out or not an array, shapes an opener
 * should accept too; use it to test a bridge against both.
 */
export type MessageShape = 'apple' | 'odd';

/** Every {@link MessageShape}, for validation and help texts. */
export const MESSAGE_SHAPES: readonly MessageShape[] = ['apple', 'odd'];

/** Options of {@link createAuthorizePopupHandlers}. */
export interface AuthorizePopupHandlersOptions extends DeveloperTokenCheckOptions {
  /** Where the tokens the popup issues are registered (share it with the API handlers). */
  userTokens: UserTokenRegistry;
  /** The scripted outcome, or a function read on every page load; `manual` by default. */
  outcome?: PopupOutcome | (() => PopupOutcome);
  /** Whether "Restricted (parental controls)" starts checked, or a function read on every page load. */
  restricted?: boolean | (() => boolean);
  /** The shape of the popup's requests, or a function read on every page load; `apple` by default. */
  messageShape?: MessageShape | (() => MessageShape);
}

const INFO_TIMEOUT_MS = 10_000;
const REPLY_TIMEOUT_MS = 2_000;

/**
 * Creates msw handlers for the authorization popup of
 * `authorize.music.apple.com`, for any origin:
 *
 * - `GET /woa?a=…&referrer=…&app=music&p=subscribe`: the page. A missing or
 *   undecodable `a`, a wrong `app` or `p`, or a bad `referrer` gives a 400
 *   error page; a developer token in `a` that fails the check (the
 *   referrer's origin must be in its `origin` claim, if any) gives a 401
 *   error page. Error pages post nothing; in scripted mode they close
 *   themselves, so the opener sees a popup closed without a result.
 * - `POST /woa/authorize`: used by the page on Allow; checks the developer
 *   token the opener gave in its `thirdPartyInfo` reply and issues a Music
 *   User Token into `userTokens`.
 *
 * @throws Error when an option is malformed.
 */
export function createAuthorizePopupHandlers(
  options: AuthorizePopupHandlersOptions,
): HttpHandler[] {
  const checkDeveloperToken = createDeveloperTokenCheck(options);
  const { userTokens } = options;
  if (typeof userTokens?.issue !== 'function') {
    throw new Error('userTokens must be a registry from createUserTokenRegistry().');
  }
  const outcomeOption = options.outcome ?? 'manual';
  if (typeof outcomeOption !== 'function') assertOneOf('outcome', POPUP_OUTCOMES, outcomeOption);
  const restrictedOption = options.restricted ?? false;
  const readOutcome = (): PopupOutcome => {
    const outcome = typeof outcomeOption === 'function' ? outcomeOption() : outcomeOption;
    assertOneOf('outcome', POPUP_OUTCOMES, outcome);
    return outcome;
  };
  const readRestricted = () =>
    (typeof restrictedOption === 'function' ? restrictedOption() : restrictedOption) === true;
  const shapeOption = options.messageShape ?? 'apple';
  if (typeof shapeOption !== 'function') assertOneOf('messageShape', MESSAGE_SHAPES, shapeOption);
  const readMessageShape = (): MessageShape => {
    const shape = typeof shapeOption === 'function' ? shapeOption() : shapeOption;
    assertOneOf('messageShape', MESSAGE_SHAPES, shape);
    return shape;
  };

  return [
    http.get('*/woa', async ({ request }) => {
      const url = new URL(request.url);
      const outcome = readOutcome();
      const parsed = parseAuthorizeParams(url.searchParams);
      if (!parsed.ok) return errorPage(400, parsed.problem, outcome);
      const { params } = parsed;
      const check = await checkDeveloperToken(params.app.thirdPartyToken, {
        origin: params.referrerOrigin,
      });
      if (!check.valid) {
        return errorPage(401, `Apple would refuse this developer token: ${check.reason}.`, outcome);
      }
      return authorizePage(params, {
        mode: 'authorize',
        outcome,
        restricted: readRestricted(),
        messageShape: readMessageShape(),
        referrer: params.referrer,
        referrerOrigin: params.referrerOrigin,
        authorizeEndpoint: `${url.pathname.replace(/\/$/, '')}/authorize`,
        infoTimeoutMs: INFO_TIMEOUT_MS,
        replyTimeoutMs: REPLY_TIMEOUT_MS,
        // Without an opener there is no thirdPartyInfo reply: the token comes from `a`.
        ...(outcome === 'redirect' ? { thirdPartyToken: params.app.thirdPartyToken } : {}),
      });
    }),
    http.post('*/woa/authorize', async ({ request }) => {
      const body: unknown = await request.json().catch(() => undefined);
      const { thirdPartyToken, referrer, restricted } =
        typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
      if (
        typeof thirdPartyToken !== 'string' ||
        typeof referrer !== 'string' ||
        typeof restricted !== 'boolean'
      ) {
        return grantError(400, 'expected a JSON body {thirdPartyToken, referrer, restricted}');
      }
      let origin: string;
      try {
        origin = new URL(referrer).origin;
      } catch {
        return grantError(400, 'referrer is not an absolute URL');
      }
      const check = await checkDeveloperToken(thirdPartyToken, { origin });
      if (!check.valid) {
        return grantError(
          401,
          `Apple would refuse the developer token of the thirdPartyInfo reply: ${check.reason}.`,
        );
      }
      const userToken = userTokens.issue({ restricted });
      const cid = userTokens.lookup(userToken)?.cid;
      return HttpResponse.json({ userToken, cid }, { headers: { 'cache-control': 'no-store' } });
    }),
  ];
}

function grantError(status: number, error: string): Response {
  return HttpResponse.json({ error }, { status, headers: { 'cache-control': 'no-store' } });
}

const BRAND = '<div class="brand">Apple Music <span class="badge">Sandbox</span></div>';

function authorizePage(params: AuthorizeParams, config: Record<string, unknown>): Response {
  const name = params.app.thirdPartyName || new URL(params.referrer).host;
  const icon = displayableIcon(params.app.thirdPartyIconURL);
  const outcome = String(config.outcome);
  return htmlResponse({
    title: 'Apple Music (sandbox)',
    config,
    script: POPUP_SCRIPT,
    body: `<main>
${BRAND}
<div class="app"><img id="app-icon" alt=""${icon ? ` src="${escapeHTML(icon)}"` : ' hidden'}>
<h1><span id="app-name">${escapeHTML(name)}</span> would like to access Apple Music</h1></div>
<p>It will be able to play music and to see your media library and your activity.</p>
<p id="status" class="muted">Loading...</p>
<label><input type="checkbox" id="restricted" disabled> Restricted (parental controls)</label>
<div class="buttons">
<button id="allow" class="primary" disabled>Allow</button>
<button id="decline" disabled>Decline</button>
<button id="unavailable" disabled>Unavailable</button>
<button id="switch" disabled>Switch account</button>
<button id="close">Close</button>
</div>
<p class="muted">Emulator of authorize.music.apple.com for development and tests; no Apple account is involved. Outcome: <code id="outcome">${escapeHTML(outcome)}</code>. Messages go to <code>${escapeHTML(params.referrerOrigin)}</code>.</p>
</main>`,
  });
}

function errorPage(status: number, problem: string, outcome: PopupOutcome): Response {
  return htmlResponse({
    status,
    title: 'Apple Music (sandbox): cannot authorize',
    config: { mode: 'error', outcome },
    script: POPUP_SCRIPT,
    body: `<main>
${BRAND}
<h1>This authorization request cannot be shown</h1>
<p id="status" class="error">${escapeHTML(problem)}</p>
<p class="muted">Expected: <code>/woa?a=&lt;base64 of the JSON {thirdPartyIconURL, thirdPartyName, thirdPartyToken}, non-ASCII escaped as \\uXXXX&gt;&amp;referrer=&lt;opener URL&gt;&amp;app=music&amp;p=subscribe</code>, each value encoded with encodeURIComponent.</p>
</main>`,
  });
}

function displayableIcon(iconURL: string | undefined): string | undefined {
  if (!iconURL) return undefined;
  try {
    const url = new URL(iconURL);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}
