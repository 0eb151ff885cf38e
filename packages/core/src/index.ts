// The main entry, one layer per use (at most 40 names, types included; a
// test counts them): the steps for adapters, the `handle*` functions on
// `AppleMusicAuth` for web-standard apps, the calls after the login, and a
// few building blocks. Everything else is internal.

// Building blocks.
export { createAppleMusicClient, type Storefront } from './apple-api/client.js';
export { APPLE_CONNECTIONS_PER_ORIGIN } from './apple-api/transport.js';
// The login and its configuration.
export {
  type AppleMusicAuth,
  type AppleMusicAuthRoutes,
  createAppleMusicAuth,
  type LoginResult,
} from './apple-music-auth.js';
export type { AppleMusicAuthEvent, AppleMusicAuthOptions, StateOptions } from './config/options.js';

// Errors and their statuses.
export {
  AppleMusicAuthError,
  type AppleMusicAuthErrorCode,
  AuthorizationError,
  defaultStatusByCode,
  invalidOptions,
  isAppleMusicAuthError,
  passportStatusByCode,
  TokenError,
} from './errors.js';
export { APPLE_ENDPOINTS } from './protocol/apple-endpoints.js';
export { buildAuthorizeURL } from './protocol/authorize-url.js';
export { MAX_CALLBACK_BODY_BYTES } from './protocol/callback-payload.js';
// The steps' plain data, for adapters.
export type { LoginStorage } from './routes/login-guard.js';
export type {
  CallbackBody,
  CallbackRequest,
  FlowRequest,
  StepReply,
} from './routes/login-steps.js';
export type { HandleCallbackOptions } from './routes/web-handlers.js';
export { createNonce, createState, verifyState } from './state/signed-state.js';
export { createMemorySingleUseStore, type SingleUseStore } from './state/single-use-store.js';
export {
  type SessionAccess,
  type StateStore,
  sessionFromObject,
} from './state/state-store.js';
export {
  MAX_DEVELOPER_TOKEN_LIFETIME_SECONDS,
  parseExpiresIn,
  signDeveloperToken,
} from './tokens/developer-token.js';
export { createDeveloperTokenCache } from './tokens/developer-token-cache.js';
export type { PrivateKeyInput } from './tokens/keys.js';
