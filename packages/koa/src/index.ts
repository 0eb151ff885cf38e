export {
  AppleMusicAuthError,
  type AppleMusicAuthErrorCode,
  AuthorizationError,
  isAppleMusicAuthError,
  type LoginResult,
  type LoginStorage,
  TokenError,
} from '@apple-music-auth/core';
export * from './apple-music-auth.js';
