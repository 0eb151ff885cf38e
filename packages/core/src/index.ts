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
} from './apple-api/client.js';
export { APPLE_CONNECTIONS_PER_ORIGIN } from './apple-api/transport.js';
export {
  type AppleMusicAuth,
  type AppleMusicAuthRoutes,
  createAppleMusicAuth,
  type FinishLoginInput,
  type LoginPage,
  type LoginResult,
  type StartLoginInput,
} from './apple-music-auth.js';
export type { AppleMusicAuthEvent, AppleMusicAuthOptions, StateOptions } from './config/options.js';
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
export type { HeaderInput } from './http/request-origin.js';
export { normalizeReturnTo } from './http/return-to.js';
export {
  type BridgePage,
  type RenderBridgePageOptions,
  renderBridgePage,
} from './pages/bridge-page.js';
export { type ErrorPageLinks, type RenderedPage, renderErrorPage } from './pages/failure-page.js';
export { APPLE_ENDPOINTS } from './protocol/apple-endpoints.js';
export { type AuthorizeURLOptions, buildAuthorizeURL } from './protocol/authorize-url.js';
export {
  CALLBACK_FIELDS,
  type CallbackErrorPayload,
  type CallbackPayload,
  type CallbackTokenPayload,
  MAX_CALLBACK_BODY_BYTES,
  type ParseCallbackOptions,
  parseCallback,
} from './protocol/callback-payload.js';
export type {
  CallbackBody,
  CallbackOutcome,
  CallbackRequest,
  FlowRequest,
  LoginRequest,
  StepReply,
} from './routes/login-steps.js';
export type { HandleCallbackOptions, HandleLoginOptions } from './routes/web-handlers.js';
export {
  type CreateStateOptions,
  createNonce,
  createState,
  type VerifiedState,
  type VerifyStateOptions,
  verifyState,
} from './state/signed-state.js';
export {
  createMemorySingleUseStore,
  type MemorySingleUseStoreOptions,
  type SingleUseStore,
} from './state/single-use-store.js';
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
} from './state/state-store.js';
export {
  MAX_DEVELOPER_TOKEN_LIFETIME_SECONDS,
  parseExpiresIn,
  type SignDeveloperTokenOptions,
  signDeveloperToken,
} from './tokens/developer-token.js';
export {
  createDeveloperTokenCache,
  type DeveloperTokenCache,
  type DeveloperTokenCacheOptions,
} from './tokens/developer-token-cache.js';
export {
  type ImportPrivateKeyOptions,
  importPrivateKey,
  type KeyObjectLike,
  type PrivateKeyInput,
} from './tokens/keys.js';
