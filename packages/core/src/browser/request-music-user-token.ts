import { MAX_TIMER_MS, numberOption } from '../checks/option-checks.js';
import { invalidOptions } from '../errors.js';
import { parseOriginOption } from '../http/http-url.js';
import {
  buildAuthorizeURL,
  buildThirdPartyInfo,
  DEFAULT_AUTHORIZE_URL,
} from '../protocol/authorize-url.js';
import {
  attemptReferrer,
  endAuthorizationAttempt,
  markAttemptInPlace,
  startAuthorizationAttempt,
} from './authorization-attempt.js';
import {
  MusicUserTokenRequestError,
  type PopupRefusalMethod,
} from './music-user-token-request-error.js';
import type { MusicUserTokenResult } from './music-user-token-result.js';
import {
  type HandedOverResult,
  type HandoverOutcome,
  watchForHandover,
} from './redirect-handover.js';

/** The window name MusicKit gives Apple's popup; the opener must not carry it. */
export const POPUP_WINDOW_NAME = 'apple-music-service-view';

/**
 * How long {@link requestMusicUserToken} waits for the popup by default: 5
 * minutes, well inside the 10-minute login state, so a timed-out attempt still
 * reaches the server with a valid state.
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 5 * 60_000;

/**
 * How long an opened popup may stay silent before {@link PopupWatch.onSilent}:
 * Apple's page asks `thirdPartyInfo` as soon as it has loaded, and a page that
 * refused the developer token (or never loaded) asks nothing.
 */
export const POPUP_SILENCE_MS = 3_000;

const POPUP_SIZE = 650;
const CLOSED_POLL_MS = 500;

/** Options of {@link requestMusicUserToken}. */
export interface RequestMusicUserTokenOptions {
  /** The developer token the browser may see (best with an `origin` claim). */
  developerToken: string;
  /** Your app's name in Apple's popup; defaults to `location.host`, as MusicKit does. */
  appName?: string;
  /** Absolute https URL of your app's icon, shown in the popup. */
  appIconURL?: string;
  /** The popup page; defaults to Apple's (`https://authorize.music.apple.com/woa`). */
  authorizeURL?: string;
  /** The origin the popup's messages must come from; defaults to `authorizeURL`'s origin. */
  authorizeOrigin?: string;
  /** Give up after this many milliseconds (default {@link DEFAULT_REQUEST_TIMEOUT_MS}). */
  timeoutMs?: number;
  /** The opener window; defaults to the global `window` (tests pass their own). */
  window?: Window;
}

export type { MusicUserTokenResult } from './music-user-token-result.js';

/** What the bridge page hears of an open popup besides its outcome. */
export interface PopupWatch {
  /** The popup has sent nothing {@link POPUP_SILENCE_MS} after it opened: it may have refused. */
  onSilent(): void;
  /** The popup's first request came after all, after {@link PopupWatch.onSilent}. */
  onAnswer(): void;
}

interface PendingRequest {
  popup: Window;
  promise: Promise<HandedOverResult>;
  cancel(): void;
}

interface Settings {
  /** The popup's URL for a `referrer` (this page's URL with the attempt id). */
  urlFor(referrer: string): string;
  thirdPartyInfo: string;
  authorizeOrigin: string;
  timeoutMs: number;
}

type Outcome =
  | { ok: true; result: HandedOverResult }
  | { ok: false; error: MusicUserTokenRequestError };

/** The popup's methods that end an attempt without a token: the code and what happened. */
const REFUSALS: Record<PopupRefusalMethod, readonly [MusicUserTokenRequestError['code'], string]> =
  {
    decline: ['access_denied', 'The user declined access to Apple Music.'],
    unavailable: ['unavailable', 'Apple Music is not available for this account or region.'],
    switchUserId: ['cancelled', 'The user chose to switch Apple IDs in the Apple Music popup.'],
  };

const pendingByWindow = new WeakMap<Window, PendingRequest>();

/**
 * Opens Apple's authorization popup and resolves with the Music User Token
 * (docs/protocol.md sections 1 and 2).
 *
 * Call it directly in a click handler, with no `await` before it: the popup
 * opens synchronously, or popup blockers stop it. Rejects with a
 * {@link MusicUserTokenRequestError} whose `code` is `popup_blocked`,
 * `access_denied`, `unavailable` or `cancelled` (popup closed, timed out), and
 * with `ERR_INVALID_OPTIONS` for bad options. A second call while the popup is
 * open focuses it and returns the same promise.
 *
 * Right before opening the popup it starts this tab's authorization attempt
 * (see {@link startAuthorizationAttempt}) and puts its id into the
 * `referrer` it gives Apple, so that Apple's redirect variant (no opener) can
 * be read once with {@link readRedirectedMusicUserToken} on the page Apple
 * redirects to. The attempt ends with the returned promise, when this page
 * goes away (`pagehide`), and at the timeout.
 *
 * When Apple redirects its own popup window back to this page, the popup
 * looks closed from here. A popup that looks closed ends the attempt with
 * `cancelled` only after 2 seconds without word from
 * that window: when core's bridge page loads there with the result, it hands
 * the result over to this tab (docs/protocol.md section 7) and the promise
 * resolves with it; in the rare case where that window finished the login
 * itself, the promise rejects with `finished_elsewhere`.
 */
export function requestMusicUserToken(
  options: RequestMusicUserTokenOptions,
): Promise<MusicUserTokenResult> {
  return requestAuthorization(options);
}

/**
 * {@link requestMusicUserToken}, resolving a handed-over result with the login
 * state of the page that received it (`pageState`): the bridge page posts
 * that state instead of its own. `watch` hears when the popup stays silent.
 */
export function requestAuthorization(
  options: RequestMusicUserTokenOptions,
  watch?: PopupWatch,
): Promise<HandedOverResult> {
  let win: Window;
  let settings: Settings;
  try {
    win = resolveWindow(options.window);
    const pending = pendingByWindow.get(win);
    if (pending !== undefined && !pending.popup.closed) {
      pending.popup.focus();
      return pending.promise;
    }
    pending?.cancel();
    settings = resolveSettings(options, win);
  } catch (error) {
    return Promise.reject(error);
  }

  if (win.name === POPUP_WINDOW_NAME) win.name = '';
  const attemptId = startAuthorizationAttempt(win, settings.timeoutMs);
  const url = settings.urlFor(attemptReferrer(win.location.href, attemptId));
  const popup = win.open(url, POPUP_WINDOW_NAME, popupFeatures(win));
  const endAttempt = (): void => {
    if (attemptId !== undefined) endAuthorizationAttempt(win, attemptId);
  };
  if (popup === null) {
    endAttempt();
    return Promise.reject(
      new MusicUserTokenRequestError(
        'popup_blocked',
        'The browser blocked the Apple Music popup. Call requestMusicUserToken directly in a click handler (no await before it) and let the user click again.',
      ),
    );
  }
  popup.focus();
  // A web view that loads Apple's page in this very tab: leaving for it keeps the attempt.
  const inPlace = popup === win;
  if (inPlace && attemptId !== undefined) markAttemptInPlace(win, attemptId);
  const handover = watchForHandover(attemptId);

  let cancel = (): void => {};
  const promise = new Promise<HandedOverResult>((resolve, reject) => {
    let settled = false;
    let heard = false;
    let silent = false;
    const finish = (outcome: Outcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(silence);
      endAttempt();
      handover.close();
      win.removeEventListener('message', onMessage);
      win.removeEventListener('pagehide', onPageHide);
      clearInterval(poll);
      clearTimeout(timeout);
      if (pendingByWindow.get(win)?.popup === popup) pendingByWindow.delete(win);
      if (!popup.closed) popup.close();
      if (outcome.ok) resolve(outcome.result);
      else reject(outcome.error);
    };
    const fail = (
      code: MusicUserTokenRequestError['code'],
      message: string,
      method?: PopupRefusalMethod,
    ): void => finish({ ok: false, error: new MusicUserTokenRequestError(code, message, method) });

    const onMessage = (event: MessageEvent): void => {
      if (event.origin !== settings.authorizeOrigin || event.source !== popup) return;
      const request = asRequest(event.data);
      if (request === undefined) return;
      if (!heard) {
        heard = true;
        clearTimeout(silence);
        if (silent) watch?.onAnswer();
      }
      const reply = (body: { result: unknown } | { error: { code: number; message: string } }) =>
        popup.postMessage({ jsonrpc: '2.0', id: request.id, ...body }, settings.authorizeOrigin);
      switch (request.method) {
        case 'thirdPartyInfo':
          reply({ result: settings.thirdPartyInfo });
          return;
        case 'authorize': {
          reply({ result: null });
          const [userToken, restricted] = request.params;
          if (typeof userToken !== 'string' || userToken === '') {
            fail('cancelled', 'The Apple Music popup answered `authorize` without a token.');
          } else {
            finish({
              ok: true,
              result: { musicUserToken: userToken, restricted: restricted === '1' },
            });
          }
          return;
        }
        case 'decline':
        case 'unavailable':
        case 'switchUserId': {
          reply({ result: null });
          const [code, message] = REFUSALS[request.method];
          fail(code, message, request.method);
          return;
        }
        case 'close':
          reply({ result: null });
          return;
        default:
          reply({ error: { code: -32601, message: 'Method not found' } });
      }
    };

    const takeHandover = (outcome: HandoverOutcome): void => {
      if (outcome.kind === 'result') finish({ ok: true, result: outcome.result });
      else {
        fail(
          'finished_elsewhere',
          'Apple redirected its popup window back to this page, which finished the login itself: nothing to do in this tab.',
        );
      }
    };
    // The page is going away (Back, a link): a fragment that reaches it later is refused.
    const onPageHide = (): void => {
      if (inPlace) return;
      endAttempt();
      handover.close();
    };

    win.addEventListener('message', onMessage);
    win.addEventListener('pagehide', onPageHide);
    void handover.outcome.then(takeHandover);
    const poll = setInterval(() => {
      if (!popup.closed) return;
      clearInterval(poll);
      void handover.afterClose().then((outcome) => {
        if (outcome !== undefined) takeHandover(outcome);
        else fail('cancelled', 'The Apple Music popup was closed before it finished.');
      });
    }, CLOSED_POLL_MS);
    const silence = setTimeout(() => {
      if (heard || watch === undefined) return;
      silent = true;
      watch.onSilent();
    }, POPUP_SILENCE_MS);
    const timeout = setTimeout(() => {
      fail('cancelled', `The Apple Music popup did not finish within ${settings.timeoutMs} ms.`);
    }, settings.timeoutMs);
    cancel = () => fail('cancelled', 'The Apple Music popup was closed before it finished.');
  });
  pendingByWindow.set(win, { popup, promise, cancel });
  return promise;
}

function resolveWindow(given: Window | undefined): Window {
  const win = given ?? (typeof window === 'undefined' ? undefined : window);
  if (win === undefined) {
    throw invalidOptions('window', 'no global window here: call this in a browser, or pass one.');
  }
  return win;
}

function resolveSettings(options: RequestMusicUserTokenOptions, win: Window): Settings {
  const timeoutMs = numberOption('timeoutMs', options.timeoutMs, {
    min: 1,
    max: MAX_TIMER_MS,
    fallback: DEFAULT_REQUEST_TIMEOUT_MS,
    unit: 'milliseconds',
  });
  const third = {
    developerToken: options.developerToken,
    appName: options.appName ?? win.location.host,
    appIconURL: options.appIconURL,
  };
  const urlFor = (referrer: string): string =>
    buildAuthorizeURL({
      ...third,
      referrer,
      baseURL: options.authorizeURL ?? DEFAULT_AUTHORIZE_URL,
    });
  // Built once now, so that a bad option rejects before any attempt starts.
  const url = urlFor(attemptReferrer(win.location.href, undefined));
  return {
    urlFor,
    thirdPartyInfo: buildThirdPartyInfo(third),
    authorizeOrigin:
      options.authorizeOrigin === undefined
        ? new URL(url).origin
        : parseOriginOption('authorizeOrigin', options.authorizeOrigin),
    timeoutMs,
  };
}

/** MusicKit's window features: 650 x 650, no chrome, centred on the opener. */
function popupFeatures(win: Window): string {
  const left = centre(win.screenX, win.outerWidth);
  const top = centre(win.screenY, win.outerHeight);
  return `height=${POPUP_SIZE},width=${POPUP_SIZE},menubar=no,resizable=no,scrollbars=no,status=no,toolbar=no,left=${left},top=${top}`;
}

function centre(start: number, length: number): number {
  const value = Math.round(start + (length - POPUP_SIZE) / 2);
  return Number.isFinite(value) ? value : 0;
}

function asRequest(data: unknown): { id: unknown; method: string; params: unknown[] } | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const { jsonrpc, id, method, params } = data as Record<string, unknown>;
  if (jsonrpc !== '2.0' || typeof method !== 'string') return undefined;
  return { id, method, params: Array.isArray(params) ? params : [params] };
}
