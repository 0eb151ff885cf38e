export {
  type AppleMusicApiHandlersOptions,
  createAppleMusicApiHandlers,
} from './api-handlers.js';
export type { AuthorizeParams, ThirdPartyDescription } from './authorize-params.js';
export {
  APPLE_MAX_TOKEN_LIFETIME_SECONDS,
  createDeveloperTokenCheck,
  type DeveloperTokenCheck,
  type DeveloperTokenCheckContext,
  type DeveloperTokenCheckOptions,
  type DeveloperTokenCheckResult,
  type DeveloperTokenClaims,
} from './developer-token-check.js';
export type { DeveloperTokenRefusal } from './developer-token-refusal.js';
export { type HostileRequest, hostileRequests } from './hostile-requests.js';
export {
  DEFAULT_LIBRARY_SIZE,
  LIBRARY_KINDS,
  type LibraryKind,
  type LibraryResource,
  type LibrarySize,
} from './library.js';
export {
  type CallbackRequestBody,
  expectRefusal,
  openLoginPage,
  type ReportedFailure,
  readFailure,
  type StartedLogin,
  sendCallback,
} from './login-requests.js';
export {
  createMusicKitStubHandlers,
  MUSICKIT_SCRIPT_PATH,
  renderMusicKitStub,
} from './musickit-stub.js';
export { NEXT_LINK_QUERIES, type NextLinkQuery, type NextLinks } from './paging.js';
export {
  type AuthorizePopupHandlersOptions,
  createAuthorizePopupHandlers,
  MESSAGE_SHAPES,
  type MessageShape,
  POPUP_OUTCOMES,
  type PopupOutcome,
} from './popup-page.js';
export { resolvePublicKey, type SandboxPublicKey } from './public-key.js';
export { createRateLimiter, type RateLimit, type RateLimiter } from './rate-limit.js';
export {
  createSandboxDescriptionHandlers,
  SANDBOX_DESCRIPTION_PATH,
  type SandboxDescription,
  type SandboxEndpointURLs,
} from './sandbox-description.js';
export {
  type BodyParserRefusal,
  type LoginScenario,
  loginScenarios,
  type ScenarioTarget,
} from './scenarios.js';
export { type ServedHandlers, type ServeHandlersOptions, serveHandlers } from './serve.js';
export {
  type Sandbox,
  type SandboxKey,
  type SandboxOptions,
  startSandbox,
} from './start-sandbox.js';
export {
  KNOWN_STOREFRONTS,
  type KnownStorefrontId,
  type SandboxStorefront,
} from './storefronts.js';
export {
  createUserTokenRegistry,
  type IssuedUserToken,
  type IssueUserTokenOptions,
  type UserTokenRegistry,
} from './user-token-registry.js';
