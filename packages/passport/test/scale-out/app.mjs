// One instance of an Express 5 + Passport app for the scale-out test, run as
// a child process, configured from the environment, printing its port when
// ready. It logs in two ways side by side: under /session the state is kept
// in express-session (`state: { store: 'session' }`), under /cookie it is a
// signed state with a nonce cookie; both record used states in the Redis.
// Every answer to a callback is JSON: the token on success, else Passport's
// status with `{ code }`.
//   SESSION_SECRET  express-session's secret, shared by every instance
//   STATE_SECRET    the cookie store's state secret, shared by every instance
//   REDIS_URL       optional: sessions (connect-redis) and used states in this
//                   Redis; without it both stay in this process's memory
//   API_URL, AUTHORIZE_URL  the sandbox's endpoints
//   PRIVATE_KEY, TEAM_ID, KEY_ID  the developer-token key
import { createServer } from 'node:http';
import { Strategy } from '@apple-music-auth/passport';
import { RedisStore } from 'connect-redis';
import session from 'express-session';
import express from 'express5';
import passport from 'passport';
import { createClient } from 'redis';
import { createRedisSingleUseStore } from '../../../../testing/redis-single-use-store.mjs';

const env = process.env;
const redis = env.REDIS_URL ? await createClient({ url: env.REDIS_URL }).connect() : undefined;

const app = express();
app.use(
  session({
    secret: env.SESSION_SECRET,
    resave: false,
    saveUninitialized: false,
    ...(redis ? { store: new RedisStore({ client: redis }) } : {}),
  }),
);

const shared = {
  teamId: env.TEAM_ID,
  keyId: env.KEY_ID,
  privateKey: env.PRIVATE_KEY,
  endpoints: { authorize: env.AUTHORIZE_URL, api: env.API_URL },
};
const usedStates = redis ? { usedStates: createRedisSingleUseStore(redis) } : {};
const states = {
  session: { store: 'session', ...usedStates },
  cookie: { secret: env.STATE_SECRET, ...usedStates },
};
const authenticator = new passport.Passport();
const strategies = Object.entries(states).map(([mode, state]) => {
  const name = `apple-music-${mode}`;
  const strategy = new Strategy(
    { ...shared, callbackURL: `/${mode}/auth/apple-music/callback`, state },
    (musicUserToken, _refreshToken, _profile, done) => done(null, { musicUserToken }),
  );
  authenticator.use(name, strategy);
  app.get(`/${mode}/auth/apple-music`, authenticator.authenticate(name, { session: false }));
  app.post(`/${mode}/auth/apple-music/callback`, (req, res, next) =>
    authenticator.authenticate(name, { session: false }, (error, user, info, status) => {
      if (error) res.status(error.status ?? 500).json({ code: error.code });
      else if (!user) res.status(status ?? 401).json({ code: info?.code });
      else res.json({ musicUserToken: user.musicUserToken });
    })(req, res, next),
  );
  return strategy;
});

const server = createServer(app);
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`));

process.on('SIGTERM', async () => {
  server.closeAllConnections();
  server.close();
  await Promise.all(strategies.map((strategy) => strategy.auth.close()));
  await redis?.close();
  process.exit(0);
});
