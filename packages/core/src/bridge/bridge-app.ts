// The bridge page's script (browser only). scripts/bundle-bridge.mjs bundles
// it into one IIFE that renderBridgePage inlines under the page's CSP nonce.
import {
  consumeAuthorizationAttempt,
  startAuthorizationAttempt,
} from '../browser/authorization-attempt.js';
import {
  MusicUserTokenRequestError,
  type MusicUserTokenRequestErrorCode,
} from '../browser/music-user-token-request-error.js';
import { readRedirectedMusicUserToken } from '../browser/redirect-result.js';
import {
  DEFAULT_REQUEST_TIMEOUT_MS,
  type MusicUserTokenResult,
  requestMusicUserToken,
} from '../browser/request-music-user-token.js';
import {
  BRIDGE_BUTTON_ID,
  BRIDGE_CONFIG_ELEMENT_ID,
  BRIDGE_STATUS_ID,
  type BridgeConfig,
} from './bridge-config.js';

type ErrorCode = MusicUserTokenRequestErrorCode;
type Status = 'idle' | 'loading' | 'waiting' | 'sending' | 'broken' | 'load_failed' | ErrorCode;

const TRY_AGAIN = 'Returning you to the app, where you can try again.';

const STATUS_TEXT: Readonly<Record<Status, string>> = {
  idle: '',
  loading: 'Loading Apple Music…',
  waiting: 'Waiting for Apple Music in the popup…',
  sending: 'Signing you in…',
  popup_blocked: 'Your browser blocked the popup. Click the button again.',
  access_denied: `You declined access to Apple Music. ${TRY_AGAIN}`,
  unavailable: `Apple Music isn’t available for this account or region. ${TRY_AGAIN}`,
  cancelled: `The Apple Music window closed before it finished. ${TRY_AGAIN}`,
  load_failed: 'Apple Music could not be loaded. Check your connection and reload the page.',
  broken: 'This sign-in page is not set up correctly. Please go back to the app and try again.',
};

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
// a result only when this tab started an attempt that is still pending.
const redirected = readRedirectedMusicUserToken();

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

  const show = (status: Status): void => {
    statusLine.textContent = STATUS_TEXT[status];
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
  const succeed = (result: MusicUserTokenResult): void => {
    show('sending');
    submit({ music_user_token: result.musicUserToken, restricted: result.restricted ? '1' : '0' });
  };
  const failWith = (code: ErrorCode): void => {
    show(code);
    if (code === 'popup_blocked') button.disabled = false;
    else submit({ error: code });
  };

  if (redirected !== undefined) {
    succeed(redirected);
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
  show(status: Status): void;
  succeed(result: MusicUserTokenResult): void;
  failWith(code: ErrorCode): void;
}

function startPopup({ config, button, show, succeed, failWith }: BridgeControls): void {
  let current: Promise<MusicUserTokenResult> | undefined;
  button.addEventListener('click', () => {
    // Synchronous: window.open must run inside the click, before any await.
    const request = requestMusicUserToken({
      developerToken: config.developerToken,
      appName: config.appName,
      appIconURL: config.appIconURL,
      authorizeURL: config.authorizeURL,
      authorizeOrigin: config.authorizeOrigin,
    });
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
          failWith(error.code);
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
    // authorize() opens Apple's window synchronously: the attempt must exist first.
    startAuthorizationAttempt();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), DEFAULT_REQUEST_TIMEOUT_MS);
    });
    Promise.race([instance.authorize(), timedOut]).then(
      (token) => {
        clearTimeout(timer);
        consumeAuthorizationAttempt();
        if (typeof token === 'string' && token !== '') {
          succeed({ musicUserToken: token, restricted: instance.isRestricted === true });
        } else {
          failWith('cancelled');
        }
      },
      (error: unknown) => {
        clearTimeout(timer);
        consumeAuthorizationAttempt();
        failWith(musicKitErrorCode(error));
      },
    );
  });
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
