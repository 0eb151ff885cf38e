// Express 5 with Passport: ours is @apple-music-auth/passport mounted as its
// README shows (state in a signed cookie, no session; without a
// failureRedirect Passport answers a failure with 401), beside the bare
// Express routes and passport-apple-music 1.0.1's login route.
import { createServer } from 'node:http';
import { Strategy } from '@apple-music-auth/passport';
import express from 'express';
import passport from 'passport';
import {
  benchAuthOptions,
  CALLBACK_PATH,
  LEGACY_LOGIN_PATH,
  LOGIN_PATH,
} from '../bench-options.mjs';
import { BARE_CALLBACK_PATH, BARE_LOGIN_PATH, barePage } from './bare-routes.mjs';
import { createLegacyStrategy } from './legacy-strategy.mjs';

const ownSession = { session: false };
const home = (_req, res) => res.redirect(303, '/');

/** Creates the Express app's server (not listening yet). */
export function createApp() {
  const authenticator = new passport.Passport();
  authenticator.use(
    new Strategy(benchAuthOptions(), (token, _refresh, _profile, done) => done(null, { token })),
  );
  authenticator.use('legacy-apple-music', createLegacyStrategy());

  const app = express();
  app.use(authenticator.initialize());
  app.get(LOGIN_PATH, authenticator.authenticate('apple-music', ownSession));
  app.post(CALLBACK_PATH, authenticator.authenticate('apple-music', ownSession), home);
  app.get(LEGACY_LOGIN_PATH, authenticator.authenticate('legacy-apple-music', ownSession));
  app.get(BARE_LOGIN_PATH, (_req, res) => {
    res.set('cache-control', 'no-store').type(barePage.contentType).send(barePage.body);
  });
  app.post(BARE_CALLBACK_PATH, express.urlencoded({ extended: false }), home);
  return createServer(app);
}
