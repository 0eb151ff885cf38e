export {
  AppleMusicAuthError,
  type AppleMusicAuthErrorCode,
  type AppleMusicAuthErrorOptions,
  AuthorizationError,
  type AuthorizationErrorCode,
  isAppleMusicAuthError,
  TokenError,
  type TokenErrorCode,
} from './errors.js';
