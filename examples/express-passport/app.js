// The example app on Express 5: express-session, Passport with the
// apple-music strategy, the home page every example shares, "Recently played"
// behind the strategy's guard with the token kept in the session, core's
// failure page for a login that did not complete, the developer-token route
// and a page that configures MusicKit JS with it.
import { isAppleMusicAuthError } from '@apple-music-auth/core';
import { flowRequestFrom, sendStepReply } from '@apple-music-auth/core/node';
import {
  musicKitPage,
  TOKEN_SOURCE_PATH,
  tokenSourceModule,
} from '@apple-music-auth/example-shared/musickit';
import { accountSummary, homePage, page, recentList } from '@apple-music-auth/example-shared/pages';
import express from 'express';
import session from 'express-session';
import passport from 'passport';

/** The example's one name: its pages, its README, the demo's landing page, Apple's popup. */
export const EXAMPLE = 'Express + Passport example';
const LOGIN_ROUTE = '/auth/apple-music';
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
    const user = /** @type {ExampleUser | undefined} */ (req.user);
    res.send(homePage({ example: EXAMPLE, loginPath: LOGIN_ROUTE, login: user }));
  });
  app.get(TOKEN_ROUTE, strategy.developerToken());
  app.get(LOGIN_ROUTE, authenticator.authenticate('apple-music'));
  app.post('/auth/apple-music/callback', (req, res, next) => {
    authenticator.authenticate(
      'apple-music',
      /**
       * @param {unknown} error
       * @param {ExampleUser | false} user
       * @param {{ returnTo?: string, code?: string } | undefined} info
       */
      (error, user, info) => {
        if (error) return next(error);
        // A login the user or the browser ended (declined, closed, a bad
        // state): core's failure page, which the login route shows for
        // `?error=<code>`, as after a 303 so that Back and Reload behave.
        // `verify` above always gives a user, so `info` is the strategy's `fail()` info.
        if (!user) {
          const query = new URLSearchParams({ error: info?.code ?? 'ERR_CANCELLED' });
          return res.redirect(303, `${LOGIN_ROUTE}?${query}`);
        }
        // req.login gives the session a new id (session fixation).
        req.login(user, (loginError) =>
          loginError ? next(loginError) : res.redirect(303, info?.returnTo ?? '/'),
        );
      },
    )(req, res, next);
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
    '/recent',
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
          title: 'Recently played',
          example: EXAMPLE,
          content: `${accountSummary(user)}${recentList(played)}<a class="button secondary" href="/">Home</a>`,
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
  // Apple failed or refused a token (Passport's error()): core's failure page too.
  app.use(
    /**
     * @param {unknown} error
     * @param {import('express').Request} req
     * @param {import('express').Response} res
     * @param {import('express').NextFunction} next
     */
    (error, req, res, next) => {
      if (!isAppleMusicAuthError(error)) return next(error);
      sendStepReply(res, strategy.auth.failureReply(error, flowRequestFrom(req)));
    },
  );
  return app;
}
