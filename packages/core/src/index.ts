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
  type AppleMusicAuthRoutes,
  createAppleMusicAuth,
  type FinishLoginInput,
  type LoginPage,
  type LoginResult,
  type StartLoginInput,
} from './apple-music-auth.js';
export { APPLE_CONNECTIONS_PER_ORIGIN } from './apple-transport.js';
export { type AuthorizeURLOptions, buildAuthorizeURL } from './authorize-url.js';
export {
  type BridgePage,
  type RenderBridgePageOptions,
  renderBridgePage,
} from './bridge/render-bridge-page.js';
export {
  CALLBACK_FIELDS,
  type CallbackErrorPayload,
  type CallbackPayload,
  type CallbackTokenPayload,
  MAX_CALLBACK_BODY_BYTES,
  type ParseCallbackOptions,
  parseCallback,
} from './callback.js';
export {
  MAX_DEVELOPER_TOKEN_LIFETIME_SECONDS,
  parseExpiresIn,
  type SignDeveloperTokenOptions,
  signDeveloperToken,
} from './developer-token.js';
export {
  createDeveloperTokenCache,
  type DeveloperTokenCache,
  type DeveloperTokenCacheOptions,
} from './developer-token-cache.js';
export { type ErrorPageLinks, type RenderedPage, renderErrorPage } from './error-page.js';
export {
  AppleMusicAPIError,
  type AppleMusicAPIErrorOptions,
  AppleMusicAuthError,
  type AppleMusicAuthErrorCode,
  type AppleMusicAuthErrorOptions,
  AuthorizationError,
  type AuthorizationErrorCode,
  type ErrorHeaders,
  invalidOptions,
  isAppleMusicAuthError,
  TokenError,
  type TokenErrorCode,
} from './errors.js';
export {
  type ImportPrivateKeyOptions,
  importPrivateKey,
  type KeyObjectLike,
  type PrivateKeyInput,
} from './keys.js';
export type {
  CallbackBody,
  CallbackOutcome,
  CallbackRequest,
  FlowRequest,
  LoginRequest,
  StepReply,
} from './login-steps.js';
export type { AppleMusicAuthEvent, AppleMusicAuthOptions, StateOptions } from './options.js';
export type { HeaderInput } from './request-origin.js';
export { normalizeReturnTo } from './return-to.js';
export {
  createMemorySingleUseStore,
  type MemorySingleUseStoreOptions,
  type SingleUseStore,
} from './single-use-store.js';
export {
  type CreateStateOptions,
  createNonce,
  createState,
  type VerifiedState,
  type VerifyStateOptions,
  verifyState,
} from './state.js';
export {
  type ConsumedState,
  type CookieStateStoreOptions,
  createCookieStateStore,
  createSessionStateStore,
  type IssuedState,
  type SessionAccess,
  type SessionStateStoreOptions,
  type StateStore,
  type StateStoreRequest,
  sessionFromObject,
} from './state-store.js';
export type { HandleCallbackOptions, HandleLoginOptions } from './web-handlers.js';
