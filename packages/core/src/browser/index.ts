export {
  AUTHORIZATION_ATTEMPT_KEY,
  AUTHORIZATION_ATTEMPT_PARAM,
  type AuthorizationAttempt,
  attemptReferrer,
  consumeAuthorizationAttempt,
  endAuthorizationAttempt,
  startAuthorizationAttempt,
} from './authorization-attempt.js';
export {
  createDeveloperTokenSource,
  type DeveloperTokenSource,
  type DeveloperTokenSourceOptions,
} from './developer-token-source.js';
export {
  MusicUserTokenRequestError,
  type MusicUserTokenRequestErrorCode,
  type PopupRefusalMethod,
} from './music-user-token-request-error.js';
export { readRedirectedMusicUserToken } from './redirect-result.js';
export {
  DEFAULT_REQUEST_TIMEOUT_MS,
  type MusicUserTokenResult,
  POPUP_WINDOW_NAME,
  type RequestMusicUserTokenOptions,
  requestMusicUserToken,
} from './request-music-user-token.js';
