// The bridge page's script (browser only). scripts/bundle-bridge.mjs bundles
// it into one IIFE that renderBridgePage inlines under the page's CSP nonce.

import {
  BRIDGE_BUTTON_ID,
  BRIDGE_CONFIG_ELEMENT_ID,
  BRIDGE_STATUS_ID,
  type BridgeConfig,
} from '../protocol/bridge-config.js';
import {
  attemptReferrer,
  endAuthorizationAttempt,
  markAttemptInPlace,
  startAuthorizationAttempt,
} from './authorization-attempt.js';
import { originNotInClaim } from './developer-token-origins.js';
import {
  MusicUserTokenRequestError,
  type MusicUserTokenRequestErrorCode,
  type PopupRefusalMethod,
} from './music-user-token-request-error.js';
import {
  type HandedOverResult,
  type HandoverOutcome,
  handOverRedirectedResult,
  watchForHandover,
} from './redirect-handover.js';
import { readRedirectedResult } from './redirect-result.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, requestAuthorization } from './request-music-user-token.js';

type ErrorCode = MusicUserTokenRequestErrorCode;
type Status =
  | 'idle'
  | 'loading'
  | 'waiting'
  | 'sending'
  | 'handed_over'
  | 'broken'
  | 'load_failed'
  | 'popup_silent'
  | 'switched_account'
  | 'origin_not_allowed'
  | ErrorCode;

const TRY_AGAIN = 'Returning you to the app, where you can try again.';

const STATUS_TEXT: Readonly<Record<Status, string>> = {
  idle: '',
  loading: 'Loading Apple Music…',
  waiting: 'Waiting for Apple Music in the popup…',
  sending: 'Signing you in…',
  handed_over: 'You are signed in: the app goes on in your first tab. You can close this window.',
  finished_elsewhere: 'You were signed in in the Apple Music window. You can close this tab.',
  popup_blocked: 'Your browser blocked the popup. Click the button again.',
  access_denied: `You declined access to Apple Music. ${TRY_AGAIN}`,
  unavailable: `Apple Music isn’t available for this account or region. ${TRY_AGAIN}`,
  cancelled: `The Apple Music window closed before it finished. ${TRY_AGAIN}`,
  load_failed: 'Apple Music could not be loaded. Check your connection and reload the page.',
  broken: 'This sign-in page is not set up correctly. Please go back to the app and try again.',
  popup_silent: 'No answer from the Apple Music window yet.',
  switched_account:
    'You chose to switch Apple Music accounts. Click Continue with Apple Music to sign in with the other account.',
  origin_not_allowed: 'Apple Music sign-in is not set up for this address.',
};

/** What the app's developer can change when Apple's window refuses this page's developer token. */
const ORIGIN_FIX = (origin: string): string =>
  `set \`callbackURL\` to a URL on ${origin} (or give a path \`callbackURL\` with \`appOrigins\` that lists it), or add ${origin} to \`developerToken.origins\`.`;

/** After `origin_not_allowed`: the token's `origin` claim leaves this page out, so Apple would refuse it. */
function originNotAllowedDetail(origin: string, listed: readonly string[]): string {
  const allowed = listed.length === 0 ? 'no origin' : listed.join(', ');
  return `This page is at ${origin}, but its developer token is for ${allowed} only, so Apple's window would refuse it. For the app's developer: ${ORIGIN_FIX(origin)}`;
}

/** After `popup_silent`: the open popup has said nothing, so it may show Apple's refusal. */
function popupSilentDetail(origin: string): string {
  return `If it shows an error, it refused this page's developer token. For the app's developer: check \`teamId\`, \`keyId\` and \`privateKey\`, and that ${origin} is the origin of \`callbackURL\`, or listed in \`appOrigins\` or \`developerToken.origins\`.`;
}

interface MusicKitInstance {
  authorize(): Promise<unknown>;
  isRestricted?: unknown;
}

interface MusicKitGlobal {
  configure(configuration: {
    developerToken: string;
    app: { name: string; build: string };
  }): unknown;
  getInstance(): MusicKitInstance;
}

// Taken now, before the async MusicKit script after this one can read the hash:
// a result only when this page's URL carries the id of this tab's pending
// attempt. Any attempt of this tab ends here, result or not.
const redirected = readRedirectedResult(window);
// Every fragment goes before MusicKit's script runs, whether or not it decoded:
// MusicKit would read one that merely matches its pattern.
if (window.location.hash !== '') {
  window.history.replaceState(
    window.history.state,
    '',
    window.location.pathname + window.location.search,
  );
}

// Registered now, before the async MusicKit script after this one can run.
const musicKitLoaded = new Promise<void>((resolve) => {
  document.addEventListener('musickitloaded', () => resolve(), { once: true });
});

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', start, { once: true });
} else {
  start();
}

// A page restored from the back/forward cache holds a used state: start over.
window.addEventListener('pageshow', (event) => {
  if (event.persisted) window.location.reload();
});

function start(): void {
  const button = document.getElementById(BRIDGE_BUTTON_ID);
  const statusLine = document.getElementById(BRIDGE_STATUS_ID);
  if (!(button instanceof HTMLButtonElement) || statusLine === null) return;

  const show = (status: Status, detail?: string): void => {
    statusLine.textContent =
      detail === undefined ? STATUS_TEXT[status] : `${STATUS_TEXT[status]} ${detail}`;
    statusLine.dataset.status = status;
  };
  const config = readConfig();
  if (config === undefined) {
    button.disabled = true;
    show('broken');
    return;
  }

  const submit = (fields: Record<string, string>): void => {
    button.disabled = true;
    const form = document.createElement('form');
    form.method = 'post';
    form.action = config.callbackURL;
    form.hidden = true;
    for (const [name, value] of Object.entries({ state: config.state, ...fields })) {
      const input = document.createElement('input');
      input.type = 'hidden';
      input.name = name;
      input.value = value;
      form.append(input);
    }
    document.body.append(form);
    form.submit();
  };
  const succeed = (result: HandedOverResult): void => {
    show('sending');
    submit({
      // A result handed over by the window Apple redirected goes with that page's state.
      state: result.pageState ?? config.state,
      music_user_token: result.musicUserToken,
      restricted: result.restricted ? '1' : '0',
    });
  };
  const failWith = (code: ErrorCode, method?: PopupRefusalMethod): void => {
    if (code === 'cancelled' && method === 'switchUserId') {
      // Nothing was decided: the user starts again with the other account.
      show('switched_account');
      button.disabled = false;
      return;
    }
    show(code);
    if (code === 'popup_blocked') button.disabled = false;
    else if (code === 'finished_elsewhere') button.disabled = true;
    else submit({ error: code });
  };

  if (redirected !== undefined) {
    const { result, attemptId, inPlace } = redirected;
    if (inPlace) {
      succeed(result);
      return;
    }
    // Apple redirected its popup window here: the tab that opened it posts the result.
    button.disabled = true;
    show('sending');
    void handOverRedirectedResult(attemptId, { ...result, pageState: config.state }).then(
      (taken) => {
        if (!taken) {
          succeed(result);
          return;
        }
        show('handed_over');
        window.close();
      },
    );
    return;
  }
  // Apple's window refuses a token whose origin claim leaves this page out: say so now.
  const origin = window.location.origin;
  const listed = originNotInClaim(config.developerToken, origin);
  if (listed !== undefined) {
    button.disabled = true;
    show('origin_not_allowed', originNotAllowedDetail(origin, listed));
    return;
  }
  const controls: BridgeControls = { config, button, show, succeed, failWith };
  if (config.ui === 'musickit') startMusicKit(controls);
  else startPopup(controls);
}

/** What both modes work with: the config, the button, the status line and the two endings. */
interface BridgeControls {
  config: BridgeConfig;
  button: HTMLButtonElement;
  show(status: Status, detail?: string): void;
  succeed(result: HandedOverResult): void;
  failWith(code: ErrorCode, method?: PopupRefusalMethod): void;
}

function startPopup({ config, button, show, succeed, failWith }: BridgeControls): void {
  let current: Promise<HandedOverResult> | undefined;
  button.addEventListener('click', () => {
    // Synchronous: window.open must run inside the click, before any await.
    const request = requestAuthorization(
      {
        developerToken: config.developerToken,
        appName: config.appName,
        appIconURL: config.appIconURL,
        authorizeURL: config.authorizeURL,
        authorizeOrigin: config.authorizeOrigin,
      },
      {
        onSilent: () => {
          if (request === current) show('popup_silent', popupSilentDetail(window.location.origin));
        },
        onAnswer: () => {
          if (request === current) show('waiting');
        },
      },
    );
    // The same promise means the open popup was focused: same attempt.
    if (request === current) return;
    current = request;
    show('waiting');
    request.then(
      (result) => {
        if (request === current) succeed(result);
      },
      (error: unknown) => {
        if (request !== current) return;
        current = undefined;
        if (error instanceof MusicUserTokenRequestError) {
          failWith(error.code, error.method);
        } else {
          button.disabled = true;
          show('broken');
        }
      },
    );
  });
}

function startMusicKit({ config, button, show, succeed, failWith }: BridgeControls): void {
  button.disabled = true;
  show('loading');
  document.addEventListener(
    'error',
    (event) => {
      if (event.target instanceof HTMLScriptElement) show('load_failed');
    },
    true,
  );
  const ready = (window as { MusicKit?: unknown }).MusicKit ? Promise.resolve() : musicKitLoaded;
  ready
    .then(() =>
      musicKit().configure({
        developerToken: config.developerToken,
        app: { name: config.appName, build: config.appBuild },
      }),
    )
    .then(
      () => {
        button.disabled = false;
        show('idle');
      },
      () => show('broken'),
    );

  button.addEventListener('click', () => {
    button.disabled = true;
    show('waiting');
    try {
      // MusicKit reuses a cached token silently; removing it shows Apple's dialog.
      localStorage.removeItem(`music.${(config.teamId ?? '').toLowerCase()}.media-user-token`);
    } catch {
      // Storage may be unavailable (privacy modes); the dialog may then be skipped.
    }
    const instance = musicKit().getInstance();
    // authorize() opens Apple's window synchronously: the attempt must exist
    // first, and its id must be in this page's URL, the referrer MusicKit sends.
    const attemptId = startAuthorizationAttempt(window, DEFAULT_REQUEST_TIMEOUT_MS);
    window.history.replaceState(
      window.history.state,
      '',
      attemptReferrer(window.location.href, attemptId),
    );
    const handover = watchForHandover(attemptId);
    const { value: authorization, opened } = watchWindowOpen(() => instance.authorize());
    // A web view that loads Apple's page in this very tab: leaving for it keeps the attempt.
    const inPlace = opened === window;
    if (inPlace && attemptId !== undefined) markAttemptInPlace(window, attemptId);
    const onPageHide = (): void => {
      if (inPlace) return;
      if (attemptId !== undefined) endAuthorizationAttempt(window, attemptId);
      handover.close();
    };
    window.addEventListener('pagehide', onPageHide);

    let settled = false;
    const settle = (end: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (attemptId !== undefined) endAuthorizationAttempt(window, attemptId);
      handover.close();
      window.removeEventListener('pagehide', onPageHide);
      window.history.replaceState(
        window.history.state,
        '',
        attemptReferrer(window.location.href, undefined),
      );
      end();
    };
    const takeHandover = (outcome: HandoverOutcome): void =>
      settle(() =>
        outcome.kind === 'result' ? succeed(outcome.result) : failWith('finished_elsewhere'),
      );
    const timer = setTimeout(() => settle(() => failWith('cancelled')), DEFAULT_REQUEST_TIMEOUT_MS);
    void handover.outcome.then(takeHandover);
    authorization.then(
      (token) =>
        settle(() => {
          if (typeof token === 'string' && token !== '') {
            succeed({ musicUserToken: token, restricted: instance.isRestricted === true });
          } else {
            failWith('cancelled');
          }
        }),
      (error: unknown) => {
        const code = musicKitErrorCode(error);
        if (code !== 'cancelled') {
          settle(() => failWith(code));
          return;
        }
        // Closed, or Apple redirected its window here: wait a moment for that window.
        void handover.afterClose().then((outcome) => {
          if (outcome !== undefined) takeHandover(outcome);
          else settle(() => failWith('cancelled'));
        });
      },
    );
  });
}

/**
 * Runs `open` (MusicKit's `authorize()`) and tells which window the
 * `window.open` it makes synchronously returned: the page cannot otherwise
 * learn whether Apple's page opened in a popup or in this very tab.
 */
function watchWindowOpen<T>(open: () => T): { value: T; opened: Window | null | undefined } {
  const original = window.open;
  let opened: Window | null | undefined;
  window.open = (...args: Parameters<typeof window.open>) => {
    opened = original.apply(window, args);
    return opened;
  };
  try {
    return { value: open(), opened };
  } finally {
    window.open = original;
  }
}

function musicKit(): MusicKitGlobal {
  return (window as unknown as { MusicKit: MusicKitGlobal }).MusicKit;
}

/**
 * MusicKit rejects with an MKError whose `errorCode` is mostly
 * `AUTHORIZATION_ERROR`, whether the user declined, closed the popup or has
 * no access: so only the unambiguous codes map to `access_denied` and
 * `unavailable`, everything else to `cancelled`.
 */
function musicKitErrorCode(error: unknown): ErrorCode {
  const record =
    typeof error === 'object' && error !== null ? (error as Record<string, unknown>) : {};
  switch (String(record.errorCode ?? record.code ?? '').toUpperCase()) {
    case 'ACCESS_DENIED':
      return 'access_denied';
    case 'SUBSCRIPTION_ERROR':
    case 'UNSUPPORTED_ERROR':
      return 'unavailable';
    default:
      return 'cancelled';
  }
}

function readConfig(): BridgeConfig | undefined {
  const text = document.getElementById(BRIDGE_CONFIG_ELEMENT_ID)?.textContent;
  if (text === undefined || text === null) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null) return undefined;
    const config = value as Partial<BridgeConfig>;
    const required = [
      config.developerToken,
      config.state,
      config.callbackURL,
      config.authorizeURL,
      config.authorizeOrigin,
      config.appName,
      config.appBuild,
    ];
    if (!required.every((field) => typeof field === 'string' && field !== '')) return undefined;
    if (config.ui !== 'popup' && config.ui !== 'musickit') return undefined;
    return config as BridgeConfig;
  } catch {
    return undefined;
  }
}
