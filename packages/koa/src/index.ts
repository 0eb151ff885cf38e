export {
  AppleMusicAuthError,
  type AppleMusicAuthErrorCode,
  AuthorizationError,
  isAppleMusicAuthError,
  type LoginResult,
  TokenError,
} from '@apple-music-auth/core';
export {
  type AppleMusicKoa,
  type AppleMusicKoaOptions,
  type AppleMusicState,
  appleMusicAuth,
} from './apple-music-auth.js';
export type { MusicUserTokenState, RequireLoginOptions } from './require-login.js';
