import type { AppleMusicAuth, LoginResult, LoginStorage } from '@apple-music-auth/core';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Core's login guard as route options and a helper: spread `{ preHandler,
 * errorHandler }` into a route's options (`app.get(path, guard, handler)`
 * does), or call `signInAgain` yourself after catching `ERR_USER_TOKEN_REJECTED`.
 */
export interface LoginGuard {
  /** Lets the request through with `request.appleMusicUserToken` set, or answers "login required". */
  preHandler(request: FastifyRequest, reply: FastifyReply): Promise<unknown>;
  /** Answers `ERR_USER_TOKEN_REJECTED` from the handler as `signInAgain` does; rethrows anything else. */
  errorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): Promise<unknown>;
  /** Clears the stored token, then sends a page to login with `returnTo` (303), an API call a 401. */
  signInAgain(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply>;
}

/** What the instance decorator (`fastify.appleMusic` by default) holds. */
export interface AppleMusicDecorator
  extends Pick<AppleMusicAuth, 'getDeveloperToken' | 'fetchAppleMusic'> {
  /** Where the login, callback and developer-token routes live (prefix included). */
  routes: AppleMusicAuth['routes'];
  /**
   * A guard for routes that need Apple Music: `app.get('/recent', guard, handler)`
   * lets a request through when `read` returns a token (on
   * `request.appleMusicUserToken`), else sends a page to login with `returnTo`
   * (303) and an API call a 401; `ERR_USER_TOKEN_REJECTED` thrown by the
   * handler runs `clear` and answers the same.
   */
  requireLogin(storage: LoginStorage<FastifyRequest>): LoginGuard;
}

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * The Apple Music calls of the plugin registered with the default
     * `decorator`; declare your own name the same way for another instance.
     */
    appleMusic: AppleMusicDecorator;
  }
  interface FastifyRequest {
    /** The login's result inside `onSuccess` (and after it on that request); `null` elsewhere. */
    appleMusicLogin: LoginResult | null;
    /** The Music User Token a `requireLogin` guard let through; `null` elsewhere. */
    appleMusicUserToken: string | null;
  }
}
