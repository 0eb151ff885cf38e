// Session fixation (issue 18): Passport's `req.login` regenerates the
// express-session on a successful login (passport 0.6 and later), so the
// strategy leaves the session's id alone; a session cookie planted before
// the login must show the attacker nothing afterwards.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LoginResult } from '@apple-music-auth/core';
import { type Sandbox, startSandbox } from '@apple-music-auth/sandbox';
import session from 'express-session';
import express from 'express5';
import passport from 'passport';
import passport06 from 'passport06';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { expectNewSessionOnLogin } from '../../../testing/session-fixation.js';
import { Strategy, type VerifyFunctionWithParams } from '../src/index.js';
import { keyId, publicKey, sandboxOptions, stateSecret, teamId } from './support/fixtures.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ teamId, keyId, publicKey, outcome: 'allow' });
});
afterAll(() => sandbox.close());

const passports: Array<[name: string, Passport: typeof passport.Passport]> = [
  ['passport 0.7', passport.Passport],
  ['passport 0.6', passport06.Passport as unknown as typeof passport.Passport],
];

for (const [name, Passport] of passports) {
  describe(`${name} with express-session and state: true`, () => {
    let server: Server;
    let origin: string;
    let strategy: Strategy;

    beforeAll(async () => {
      const app = express();
      app.use(session({ secret: stateSecret, resave: false, saveUninitialized: false }));
      const authenticator = new Passport();
      authenticator.serializeUser((user, done) => done(null, user));
      authenticator.deserializeUser((user: LoginResult, done) => done(null, user));
      const verify: VerifyFunctionWithParams = (_at, _rt, params, _profile, done) =>
        done(null, params);
      strategy = new Strategy({ ...sandboxOptions(sandbox), state: true }, verify);
      authenticator.use(strategy);
      app.use(authenticator.initialize(), authenticator.session());
      app.get('/auth/apple-music', authenticator.authenticate('apple-music'));
      app.post(
        '/auth/apple-music/callback',
        authenticator.authenticate('apple-music'),
        (_req, res) => {
          res.send('signed in');
        },
      );
      app.get('/whoami', (req, res) => {
        const user = req.user as LoginResult | undefined;
        res.json({ musicUserToken: user?.musicUserToken ?? null });
      });
      server = createServer(app);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await strategy.auth.close();
    });

    it('gives the session a new id through req.login, so a planted session cookie sees nothing', async () => {
      await expectNewSessionOnLogin({
        origin,
        sandbox,
        sessionCookie: 'connect.sid',
        whoamiPath: '/whoami',
      });
    });
  });
}
