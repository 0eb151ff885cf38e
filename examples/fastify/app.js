// The example app: Fastify 5 with @fastify/secure-session for the app's own
// session, @fastify/formbody for its forms, @apple-music-auth/fastify for the
// login (its state kept in the same session) and the developer-token route, the
// home page every example shares, recently played items behind the login guard, and
// a page that configures MusicKit JS with the developer-token route.
import {
  musicKitPage,
  TOKEN_SOURCE_PATH,
  tokenSourceModule,
} from '@apple-music-auth/example-shared/musickit';
import { accountSummary, homePage, page, recentList } from '@apple-music-auth/example-shared/pages';
import { appleMusicAuth } from '@apple-music-auth/fastify';
import fastifyFormbody from '@fastify/formbody';
import fastifySecureSession from '@fastify/secure-session';
import Fastify from 'fastify';

/** The example's one name: its pages, its README, the demo's landing page, Apple's popup. */
export const EXAMPLE = 'Fastify example';

/** @typedef {NonNullable<import('@fastify/secure-session').SessionData['login']>} StoredLogin */

/**
 * Builds the example's Fastify app.
 *
 * `logLevel` turns Fastify's logger on at that level; without it Fastify logs nothing.
 *
 * @param {{ auth: import('@apple-music-auth/fastify').AppleMusicAuthPluginOptions, sessionKey: Buffer, secureCookies: boolean, logLevel?: string | undefined, musicKitScriptURL?: string }} options
 */
export async function buildApp({ auth, sessionKey, secureCookies, logLevel, musicKitScriptURL }) {
  const app = Fastify({ logger: logLevel === undefined ? false : { level: logLevel } });
  // The app's own forms (Disconnect); the plugin parses its callback itself.
  await app.register(fastifyFormbody);
  // An encrypted cookie holds the Music User Token: acceptable here, as core's
  // README says, since only the user's own requests use it (no background job).
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
      // A session sealed in its cookie has no id to fix (session fixation);
      // with @fastify/session, `session: true` gave it a new id already.
      request.session.set('login', login);
      return reply.redirect(returnTo ?? '/', 303);
    },
  });

  /** @param {import('fastify').FastifyRequest} request @returns {StoredLogin | undefined} */
  const loginOf = (request) => request.session.get('login');

  app.get('/', async (request, reply) =>
    reply.type('text/html').send(
      homePage({
        example: EXAMPLE,
        loginPath: app.appleMusic.routes.loginPath,
        login: loginOf(request),
      }),
    ),
  );

  // No login, or a token Apple no longer accepts (403): sign in, then back here.
  const requireLogin = app.appleMusic.requireLogin({
    read: (request) => loginOf(request)?.musicUserToken,
    clear: (request) => request.session.set('login', undefined),
  });

  app.get('/recent', requireLogin, async (request, reply) => {
    /** @type {import('@apple-music-auth/example-shared/pages').Played} */
    const played = await app.appleMusic.fetchAppleMusic('/v1/me/recent/played', {
      musicUserToken: request.appleMusicUserToken ?? '',
    });
    return reply.type('text/html').send(
      page({
        title: 'Recently played',
        example: EXAMPLE,
        content: `${accountSummary(/** @type {StoredLogin} */ (loginOf(request)))}${recentList(played)}<a class="button secondary" href="/">Home</a>`,
      }),
    );
  });

  app.get('/musickit', async (_request, reply) =>
    reply.type('text/html').send(
      musicKitPage({
        example: EXAMPLE,
        tokenPath: app.appleMusic.routes.developerTokenPath,
        musicKitScriptURL,
      }),
    ),
  );

  app.get(TOKEN_SOURCE_PATH, async (_request, reply) =>
    reply.type('text/javascript').send(tokenSourceModule),
  );

  app.post('/logout', async (request, reply) => {
    // Not session.delete(): in @fastify/secure-session it wipes every value.
    request.session.set('login', undefined);
    return reply.redirect('/', 303);
  });

  return app;
}
