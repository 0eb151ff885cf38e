import { AppleMusicAuthError, isAppleMusicAuthError } from '@apple-music-auth/core';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** How the guard finds, and forgets, the Music User Token the app stored after the login. */
export interface RequireLoginOptions {
  /** The stored Music User Token for this request, or `undefined` (may be async). */
  read(request: FastifyRequest): string | undefined | null | Promise<string | undefined | null>;
  /** Forgets the stored token: Apple refused it (403), so the user signs in again. */
  clear(request: FastifyRequest): void | Promise<void>;
}

/**
 * The guard's route options and helper: spread `{ preHandler, errorHandler }`
 * into a route's options (`app.get(path, guard, handler)` does), or call
 * `signInAgain` yourself after catching `ERR_USER_TOKEN_REJECTED`.
 */
export interface LoginGuard {
  /** Lets the request through with `request.appleMusicUserToken` set, or answers "login required". */
  preHandler(request: FastifyRequest, reply: FastifyReply): Promise<unknown>;
  /** Answers `ERR_USER_TOKEN_REJECTED` from the handler with `signInAgain`; rethrows anything else. */
  errorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): Promise<unknown>;
  /** Clears the stored token, then sends a page to login with `returnTo` (303), an API call a 401. */
  signInAgain(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply>;
}

/** Builds guards that answer with `loginRequired` (core's `loginRequiredStep`, sent). */
export function createRequireLogin(
  loginRequired: (request: FastifyRequest, reply: FastifyReply) => FastifyReply,
): (options: RequireLoginOptions) => LoginGuard {
  return (options) => {
    for (const field of ['read', 'clear'] as const) {
      if (typeof options?.[field] !== 'function') {
        throw new AppleMusicAuthError(
          'ERR_INVALID_OPTIONS',
          `Invalid option \`requireLogin({ ${field} })\`: expected a function of the request, e.g. read: (request) => request.session.get('musicUserToken').`,
        );
      }
    }
    const signInAgain = async (request: FastifyRequest, reply: FastifyReply) => {
      request.appleMusicUserToken = null;
      await options.clear(request);
      return loginRequired(request, reply);
    };
    return {
      async preHandler(request, reply) {
        const musicUserToken = await options.read(request);
        if (typeof musicUserToken !== 'string' || musicUserToken === '') {
          return loginRequired(request, reply);
        }
        request.appleMusicUserToken = musicUserToken;
      },
      async errorHandler(error, request, reply) {
        if (!isAppleMusicAuthError(error) || error.code !== 'ERR_USER_TOKEN_REJECTED') throw error;
        return signInAgain(request, reply);
      },
      signInAgain,
    };
  };
}
