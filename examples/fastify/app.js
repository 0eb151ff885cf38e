// The example app: Fastify 5 with @fastify/secure-session for the app's own
// session, @fastify/formbody for its forms, @apple-music-auth/fastify for the login (its state kept in the
// same session), a profile page and the user's recently played items.
import { isAppleMusicAuthError } from '@apple-music-auth/core';
import {
  accountSummary,
  connectPage,
  disconnectForm,
  page,
  recentList,
} from '@apple-music-auth/example-shared/pages';
import { appleMusicAuth } from '@apple-music-auth/fastify';
import fastifyFormbody from '@fastify/formbody';
import fastifySecureSession from '@fastify/secure-session';
import Fastify from 'fastify';

const EXAMPLE = 'Fastify example';

/** @typedef {NonNullable<import('@fastify/secure-session').SessionData['login']>} StoredLogin */

/**
 * Builds the example's Fastify app.
 *
 * @param {{ auth: import('@apple-music-auth/fastify').AppleMusicAuthPluginOptions, sessionKey: Buffer, secureCookies: boolean, logLevel: string }} options
 */
export async function buildApp({ auth, sessionKey, secureCookies, logLevel }) {
  const app = Fastify({ logger: { level: logLevel } });
  // The app's own forms (Disconnect); the plugin parses its callback itself.
  await app.register(fastifyFormbody);
  await app.register(fastifySecureSession, {
    key: sessionKey,
    cookie: { path: '/', httpOnly: true, sameSite: 'lax', secure: secureCookies },
  });
  await app.register(appleMusicAuth, {
    ...auth,
    session: true,
    onSuccess(request, reply, { musicUserToken, restricted, storefront, returnTo }) {
      /** @type {StoredLogin} */
      const login = { musicUserToken, restricted, storefront: storefront ?? null };
      request.session.set('login', login);
      return reply.redirect(returnTo ?? '/', 303);
    },
  });

  /** @param {import('fastify').FastifyRequest} request @returns {StoredLogin | undefined} */
  const loginOf = (request) => request.session.get('login');

  app.get('/', async (request, reply) => reply.type('text/html').send(profile(loginOf(request))));

  app.get('/recent', async (request, reply) => {
    const login = loginOf(request);
    if (!login) return reply.redirect('/', 303);
    try {
      /** @type {import('@apple-music-auth/example-shared/pages').Played} */
      const played = await app.appleMusic.fetchAppleMusic('/v1/me/recent/played', {
        musicUserToken: login.musicUserToken,
      });
      return reply.type('text/html').send(
        page({
          title: 'Recently played',
          example: EXAMPLE,
          content: `${accountSummary(login)}${recentList(played)}<a class="button secondary" href="/">Profile</a>`,
        }),
      );
    } catch (error) {
      if (!isAppleMusicAuthError(error) || error.code !== 'ERR_USER_TOKEN_REJECTED') throw error;
      // Apple no longer accepts the token: ask the user to connect again.
      request.session.set('login', undefined);
      return reply.redirect('/auth/apple-music?returnTo=/recent', 303);
    }
  });

  app.post('/logout', async (request, reply) => {
    // Not session.delete(): in @fastify/secure-session it wipes every value.
    request.session.set('login', undefined);
    return reply.redirect('/', 303);
  });

  return app;
}

/** @param {StoredLogin | undefined} login */
function profile(login) {
  if (!login) return connectPage({ example: EXAMPLE, loginPath: '/auth/apple-music' });
  return page({
    title: 'Your Apple Music',
    example: EXAMPLE,
    content: `${accountSummary(login)}
<a class="button" href="/recent">Recently played</a>
${disconnectForm}`,
  });
}
