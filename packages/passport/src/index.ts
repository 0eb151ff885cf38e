export { AuthorizationError, type LoginStorage, TokenError } from '@apple-music-auth/core';
export {
  type AuthenticateOptions,
  type LoginGuard,
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
