/** Why {@link requestMusicUserToken} ended without a token. The same words the callback's `error` field uses, but for `finished_elsewhere`. */
export type MusicUserTokenRequestErrorCode =
  /** `window.open` returned `null`: ask the user to click again or allow popups. */
  | 'popup_blocked'
  /** The user said no in Apple's popup. */
  | 'access_denied'
  /** Apple Music is not available for this account or region. */
  | 'unavailable'
  /** The popup was closed, timed out, or ended without an answer (`switchUserId` too: see `method`). */
  | 'cancelled'
  /**
   * Apple redirected its own popup window back to your page (docs/protocol.md
   * section 7), and core's bridge page there finished the login itself: this
   * tab has nothing to post. Not a callback `error` value.
   */
  | 'finished_elsewhere';

/** The popup's requests that end an attempt without a token (docs/protocol.md section 2). */
export type PopupRefusalMethod = 'decline' | 'unavailable' | 'switchUserId';

/** The error {@link requestMusicUserToken} rejects with: check `code`, show `message` to developers only. */
export class MusicUserTokenRequestError extends Error {
  /** Why the request ended. */
  readonly code: MusicUserTokenRequestErrorCode;
  /**
   * The popup's request that ended it, when one did: `switchUserId` (the user
   * chose to switch Apple IDs) tells that `cancelled` apart from a closed popup.
   */
  readonly method: PopupRefusalMethod | undefined;

  constructor(code: MusicUserTokenRequestErrorCode, message: string, method?: PopupRefusalMethod) {
    super(message);
    this.name = 'MusicUserTokenRequestError';
    this.code = code;
    this.method = method;
  }
}
