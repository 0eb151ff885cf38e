import type { AppleMusicAuth, LoginResult } from '@apple-music-auth/core';
import type { LoginGuard, RequireLoginOptions } from './require-login.js';

/** What the instance decorator (`fastify.appleMusic` by default) holds. */
export interface AppleMusicDecorator
  extends Pick<AppleMusicAuth, 'getDeveloperToken' | 'fetchAppleMusic'> {
  /** Where the login, callback and developer-token routes live (prefix included). */
  routes: AppleMusicAuth['routes'] & { developerTokenPath: string };
  /**
   * A guard for routes that need Apple Music: `app.get('/recent', guard, handler)`
   * lets a request through when `read` returns a token (on
   * `request.appleMusicUserToken`), else sends a page to login with `returnTo`
   * (303) and an API call a 401; `ERR_USER_TOKEN_REJECTED` thrown by the
   * handler runs `clear` and answers the same.
   */
  requireLogin(options: RequireLoginOptions): LoginGuard;
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
