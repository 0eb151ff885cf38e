// The example app on Express 5: express-session, Passport with the
// apple-music strategy, a home page, a profile page behind the strategy's
// guard that lists the user's recently played items with the token kept in
// the session, the developer-token route and a page that configures MusicKit
// JS with it.
import { isAppleMusicAuthError } from '@apple-music-auth/core';
import {
  musicKitPage,
  TOKEN_SOURCE_PATH,
  tokenSourceModule,
} from '@apple-music-auth/example-shared/musickit';
import {
  accountSummary,
  connectPage,
  disconnectForm,
  escapeHTML,
  page,
  recentList,
} from '@apple-music-auth/example-shared/pages';
import express from 'express';
import session from 'express-session';
import passport from 'passport';

const EXAMPLE = 'Express + Passport example';
const TOKEN_ROUTE = '/auth/apple-music/developer-token';

/**
 * What the session keeps about the user: the Music User Token and what Apple
 * said about the account. A Music User Token is not a user id (Apple issues a
 * new one on every authorization); key your own accounts by your own id.
 *
 * @typedef {{ musicUserToken: string, storefront: { id: string, name: string } | undefined, restricted: boolean }} ExampleUser
 */

/** The verify function: the user is the token and the profile; `info` carries where to return. */
/** @type {import('@apple-music-auth/passport').VerifyFunctionWithParams} */
export const verify = (accessToken, _refreshToken, params, profile, done) => {
  /** @type {ExampleUser} */
  const user = {
    musicUserToken: accessToken,
    storefront: profile.storefront
      ? { id: profile.storefront.id, name: profile.storefront.name }
      : undefined,
    restricted: profile.restricted,
  };
  done(null, user, { returnTo: params.returnTo });
};

/**
 * Creates the Express app around a strategy built with {@link verify}.
 *
 * @param {{ strategy: import('@apple-music-auth/passport').Strategy, sessionSecret: string, musicKitScriptURL?: string }} options
 * @returns {import('express').Express}
 */
export function createExampleApp({ strategy, sessionSecret, musicKitScriptURL }) {
  const app = express();
  const authenticator = new passport.Passport();
  authenticator.use(strategy);
  authenticator.serializeUser((user, done) => done(null, user));
  authenticator.deserializeUser((/** @type {Express.User} */ user, done) => done(null, user));

  app.use(session({ secret: sessionSecret, resave: false, saveUninitialized: false }));
  app.use(authenticator.initialize(), authenticator.session());

  app.get('/', (req, res) => {
    if (req.user) return res.redirect('/profile');
    res.send(connectPage({ example: EXAMPLE, loginPath: '/auth/apple-music' }));
  });
  app.get(TOKEN_ROUTE, strategy.developerToken());
  app.get('/auth/apple-music', authenticator.authenticate('apple-music'));
  // On success, Passport's req.login gives the session a new id (session fixation).
  app.post(
    '/auth/apple-music/callback',
    authenticator.authenticate('apple-music', {
      failureRedirect: '/login-failed',
      failureMessage: true,
    }),
    (req, res) => {
      const info = /** @type {{ returnTo?: string } | undefined} */ (req.authInfo);
      res.redirect(303, info?.returnTo ?? '/profile');
    },
  );
  app.get('/login-failed', (req, res) => {
    const sessionData = /** @type {{ messages?: string[] }} */ (req.session);
    const message = sessionData.messages?.pop() ?? 'The login did not complete.';
    res.status(401).send(
      page({
        title: 'Not connected',
        example: EXAMPLE,
        content: `<p class="lead" id="failure">${escapeHTML(message)}</p>
<a class="button" href="/auth/apple-music?returnTo=%2Fprofile">Try again</a>`,
      }),
    );
  });
  // The guard reads the login from the session, and logs out when Apple revoked the token.
  const guard = strategy.requireLogin({
    read: (req) => /** @type {ExampleUser | undefined} */ (req.user)?.musicUserToken,
    clear: (req) =>
      new Promise((resolve, reject) =>
        req.logout((error) => (error ? reject(error) : resolve(undefined))),
      ),
  });
  app.get(
    '/profile',
    guard.require,
    /**
     * @param {import('express').Request} req
     * @param {import('express').Response} res
     */
    async (req, res) => {
      /** @type {import('@apple-music-auth/example-shared/pages').Played} */
      const played = await strategy.auth.fetchAppleMusic('/v1/me/recent/played', {
        musicUserToken: res.locals.musicUserToken,
      });
      const user = /** @type {ExampleUser} */ (req.user);
      res.send(
        page({
          title: 'Your Apple Music',
          example: EXAMPLE,
          content: `${accountSummary(user)}<h2>Recently played</h2>${recentList(played)}
<a class="button secondary" href="/musickit">MusicKit in the page</a>
${disconnectForm}`,
        }),
      );
    },
    guard.rejected,
  );
  app.get('/musickit', (_req, res) => {
    res.send(
      musicKitPage({
        example: EXAMPLE,
        tokenPath: TOKEN_ROUTE,
        musicKitScriptURL: musicKitScriptURL,
      }),
    );
  });
  app.get(TOKEN_SOURCE_PATH, (_req, res) => {
    res.type('text/javascript').send(tokenSourceModule);
  });
  app.post('/logout', (req, res, next) => {
    req.logout((error) => (error ? next(error) : res.redirect(303, '/')));
  });
  app.use(
    /**
     * @param {unknown} error
     * @param {import('express').Request} _req
     * @param {import('express').Response} res
     * @param {import('express').NextFunction} _next
     */
    (error, _req, res, _next) => {
      const known = isAppleMusicAuthError(error);
      res.status(known ? error.status : 500).send(
        page({
          title: 'Something went wrong',
          example: EXAMPLE,
          content: `<p class="lead">${known && error.expose ? escapeHTML(error.message) : 'Please try again later.'}</p><p><small>${known ? error.code : ''}</small></p>`,
        }),
      );
    },
  );
  return app;
}
