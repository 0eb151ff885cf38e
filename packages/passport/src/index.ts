export { AuthorizationError, TokenError } from '@apple-music-auth/core';
export type { LoginGuard, LoginStorage } from './after-login.js';
export {
  type AuthenticateOptions,
  Strategy,
  Strategy as AppleMusicStrategy,
  type StrategyOptionsWithoutRequest,
  type StrategyOptionsWithRequest,
} from './strategy.js';
export type { StrategyOptions } from './strategy-options.js';
export type {
  AppleMusicProfile,
  VerifyCallback,
  VerifyFunction,
  VerifyFunctionWithParams,
  VerifyFunctionWithRequest,
  VerifyFunctionWithRequestAndParams,
  VerifyReturn,
} from './verify.js';
