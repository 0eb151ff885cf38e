import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LoginResult, SingleUseStore } from '@apple-music-auth/core';
import type { Sandbox } from '@apple-music-auth/sandbox';
import type { NextFunction, Request, Response } from 'express';
import session from 'express-session';
import express4 from 'express4';
import express5 from 'express5';
import passport from 'passport';
import {
  Strategy,
  type StrategyOptions,
  type VerifyFunctionWithRequestAndParams,
} from '../../src/index.js';
import { sandboxOptions, stateSecret } from './fixtures.js';

/** The Express majors the strategy supports, installed under aliases. */
export const expressVersions = {
  'Express 5': express5,
  'Express 4': express4 as unknown as typeof express5,
};

/** How the app under test is set up. */
export interface AppSetup {
  express: typeof express5;
  /** `express.urlencoded()` and `express.json()` run before the routes. */
  bodyParser: boolean;
  /** `cookie`: a state secret, no session; `session`: express-session and `state: true`. */
  mode: 'cookie' | 'session';
  sandbox: Sandbox;
  /** The strategy's clock (its `now` option). */
  now: () => number;
  /** More strategy options, e.g. core's `loginURL`. */
  options?: Partial<StrategyOptions>;
  /** Core's `state.usedStates`; the session mode then spells the store `state.store: 'session'`. */
  usedStates?: SingleUseStore;
}

/** A running app: its origin, the strategy, and how to stop it. */
export interface RunningApp {
  origin: string;
  strategy: Strategy;
  close(): Promise<void>;
}

/** A running scenario app that also counts its verify calls. */
export interface ScenarioApp extends RunningApp {
  /** How many times the strategy's verify ran. */
  verifyCalls(): number;
}

type VerifiedRequest = Request & { verified?: boolean };

/**
 * The scenario table's app on Express: `GET /auth/apple-music` and `POST
 * /auth/apple-music/callback` through `passport.authenticate` with a custom
 * callback, and the strategy's developer-token route. Success answers 200 JSON, an `error()` its status and code, a
 * `fail()` a 303 to the login route's failure page. A verify called on a
 * failure makes the answer a 500, which the table reports.
 */
export async function startExpressApp(setup: AppSetup): Promise<ScenarioApp> {
  const app = setup.express();
  if (setup.mode === 'session') {
    app.use(session({ secret: stateSecret, resave: false, saveUninitialized: false }));
  }
  if (setup.bodyParser)
    app.use(setup.express.urlencoded({ extended: false }), setup.express.json());
  const authenticator = new passport.Passport();
  let verifyCalls = 0;
  const verify: VerifyFunctionWithRequestAndParams = (req, _at, _rt, params, _profile, done) => {
    verifyCalls += 1;
    (req as VerifiedRequest).verified = true;
    done(null, params);
  };
  const { usedStates } = setup;
  const strategy = new Strategy(
    {
      ...sandboxOptions(setup.sandbox, setup.options),
      ...(setup.mode === 'session' ? { state: true as const } : {}),
      ...(usedStates === undefined
        ? {}
        : setup.mode === 'session'
          ? { state: { store: 'session' as const, usedStates } }
          : { state: { secret: stateSecret, usedStates } }),
      now: setup.now,
      passReqToCallback: true,
    },
    verify,
  );
  authenticator.use(strategy);
  app.use(authenticator.initialize());
  app.get('/auth/apple-music', authenticator.authenticate('apple-music', { session: false }));
  app.get('/auth/apple-music/developer-token', strategy.developerToken());
  app.post(
    '/auth/apple-music/callback',
    (req: VerifiedRequest, res: Response, next: NextFunction) => {
      authenticator.authenticate(
        'apple-music',
        { session: false },
        (
          error: { status?: number; code?: string } | null,
          user: LoginResult | false,
          info: { code?: string },
        ) => {
          if ((error || !user) && req.verified) {
            res.status(500).send('verify was called on a failed login');
          } else if (error) {
            res
              .status(error.status ?? 500)
              .type('text')
              .send(String(error.code));
          } else if (!user) {
            res.redirect(303, `/auth/apple-music?error=${encodeURIComponent(info?.code ?? '')}`);
          } else {
            const { musicUserToken, restricted, storefront, returnTo } = user;
            res.json({ musicUserToken, restricted, storefront, returnTo });
          }
        },
      )(req, res, next);
    },
  );
  return { ...(await listen(app, strategy)), verifyCalls: () => verifyCalls };
}

/** Serves an Express app on a loopback port. */
export async function listen(
  app: (req: never, res: never) => void,
  strategy: Strategy,
): Promise<RunningApp> {
  const server: Server = createServer(app as Parameters<typeof createServer>[0] & object);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    strategy,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await strategy.auth.close();
    },
  };
}
