// What the example keeps in its @fastify/secure-session session, for checkJs.
import type {} from '@fastify/secure-session';

declare module '@fastify/secure-session' {
  interface SessionData {
    /** The connected account, or `undefined` after Disconnect. */
    login:
      | {
          musicUserToken: string;
          restricted: boolean;
          storefront: { id: string; name: string } | null;
        }
      | undefined;
  }
}
