import { invalidOptions, isAppleMusicAuthError } from '../errors.js';
import type { FlowRequest, StepReply } from './login-steps.js';

/** How the app keeps its login: the guard reads the token through it, and clears it when Apple refuses it. */
export interface LoginStorage<Req> {
  /** The stored Music User Token of this request's user, or nothing (may be async). */
  read(request: Req): string | null | undefined | Promise<string | null | undefined>;
  /** Forgets the stored token: Apple answered 403 to it, so the user signs in again. */
  clear(request: Req): void | Promise<void>;
}

/**
 * The login guard's decisions; each adapter wraps them in its idiom as `requireLogin(storage)`.
 *
 * @inline
 */
export interface LoginGuard<Req> {
  /** The stored token, or (without one) the login-required reply to send. */
  check(
    request: Req,
  ): Promise<
    { musicUserToken: string; reply: undefined } | { musicUserToken: undefined; reply: StepReply }
  >;
  /**
   * For an error thrown by the guarded route: `ERR_USER_TOKEN_REJECTED`
   * (Apple's 403) clears the stored token and gives the login-required reply;
   * anything else (a 401, an `unknown`, a bug) is thrown again.
   */
  rejected(error: unknown, request: Req): Promise<StepReply>;
  /** Clears the stored token and gives the login-required reply (after catching the 403 yourself). */
  signInAgain(request: Req): Promise<StepReply>;
}

/**
 * The one login guard over the app's `storage`: `loginRequired` is core's
 * login-required answer and `flowRequest` the adapter's request converter.
 * A `storage` without `read` or `clear` functions throws `ERR_INVALID_OPTIONS`.
 */
export function createLoginGuard<Req>(
  storage: LoginStorage<Req>,
  flowRequest: (request: Req) => FlowRequest,
  loginRequired: (request: FlowRequest) => StepReply,
): LoginGuard<Req> {
  for (const field of ['read', 'clear'] as const) {
    if (typeof storage?.[field] !== 'function') {
      throw invalidOptions(
        `requireLogin({ ${field} })`,
        'expected functions of the request that read and clear the stored Music User Token, e.g. read: (request) => request.session.musicUserToken.',
      );
    }
  }
  const signInAgain = async (request: Req): Promise<StepReply> => {
    await storage.clear(request);
    return loginRequired(flowRequest(request));
  };
  return {
    async check(request) {
      const musicUserToken = await storage.read(request);
      if (typeof musicUserToken === 'string' && musicUserToken !== '') {
        return { musicUserToken, reply: undefined };
      }
      return { musicUserToken: undefined, reply: loginRequired(flowRequest(request)) };
    },
    async rejected(error, request) {
      if (!isAppleMusicAuthError(error) || error.code !== 'ERR_USER_TOKEN_REJECTED') throw error;
      return signInAgain(request);
    },
    signInAgain,
  };
}
