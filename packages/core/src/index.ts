export {
  type AppleMusicClient,
  type AppleMusicClientOptions,
  type AppleMusicFetchOptions,
  type AppleMusicMethod,
  type AppleMusicQuery,
  createAppleMusicClient,
  type Storefront,
  type VerifyMusicUserTokenOptions,
  verifyMusicUserToken,
} from './apple-client.js';
export { APPLE_ENDPOINTS } from './apple-endpoints.js';
export {
  type AppleMusicAuth,
  createAppleMusicAuth,
  type FinishLoginInput,
  type LoginPage,
  type LoginResult,
  type StartLoginInput,
} from './apple-music-auth.js';
export {
  type AuthorizeURLOptions,
  buildAuthorizeURL,
  buildThirdPartyInfo,
  DEFAULT_AUTHORIZE_URL,
  type ThirdPartyOptions,
} from './authorize-url.js';
export {
  type BridgePage,
  type RenderBridgePageOptions,
  renderBridgePage,
} from './bridge/render-bridge-page.js';
export {
  authorizationErrorFor,
  CALLBACK_ERRORS,
  CALLBACK_FIELDS,
  type CallbackErrorPayload,
  type CallbackErrorValue,
  type CallbackPayload,
  type CallbackTokenPayload,
  MAX_CALLBACK_BODY_BYTES,
  MAX_MUSIC_USER_TOKEN_LENGTH,
  type ParseCallbackOptions,
  parseCallback,
} from './callback.js';
export {
  MAX_DEVELOPER_TOKEN_LIFETIME_SECONDS,
  type SignDeveloperTokenOptions,
  signDeveloperToken,
} from './developer-token.js';
export {
  createDeveloperTokenCache,
  type DeveloperTokenCache,
  type DeveloperTokenCacheOptions,
} from './developer-token-cache.js';
export { type RenderedPage, renderErrorPage } from './error-page.js';
export {
  AppleMusicAPIError,
  type AppleMusicAPIErrorOptions,
  AppleMusicAuthError,
  type AppleMusicAuthErrorCode,
  type AppleMusicAuthErrorOptions,
  AuthorizationError,
  type AuthorizationErrorCode,
  isAppleMusicAuthError,
  TokenError,
  type TokenErrorCode,
} from './errors.js';
export {
  type ImportPrivateKeyOptions,
  type InspectedPrivateKey,
  importPrivateKey,
  inspectPrivateKey,
  type KeyObjectLike,
  type PrivateKeyInput,
} from './keys.js';
export type { AppleMusicAuthOptions } from './options.js';
export { MAX_RETURN_TO_LENGTH, normalizeReturnTo } from './return-to.js';
export {
  type CreateStateOptions,
  createNonce,
  createState,
  DEFAULT_STATE_MAX_AGE_SECONDS,
  MIN_STATE_SECRET_LENGTH,
  type VerifiedState,
  type VerifyStateOptions,
  verifyState,
} from './state.js';
export {
  type ConsumedState,
  type CookieStateStoreOptions,
  createCookieStateStore,
  createSessionStateStore,
  DEFAULT_STATE_COOKIE_NAME,
  DEFAULT_STATE_SESSION_KEY,
  type IssuedState,
  type SessionAccess,
  type SessionStateStoreOptions,
  type StateStore,
  type StateStoreRequest,
} from './state-store.js';
export type { HandleCallbackOptions, HandleLoginOptions } from './web-handlers.js';
