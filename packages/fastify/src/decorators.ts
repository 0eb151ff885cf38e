import type { AppleMusicAuth, LoginResult } from '@apple-music-auth/core';

/** What the instance decorator (`fastify.appleMusic` by default) holds. */
export type AppleMusicDecorator = Pick<
  AppleMusicAuth,
  'routes' | 'getDeveloperToken' | 'fetchAppleMusic'
>;

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
  }
}
