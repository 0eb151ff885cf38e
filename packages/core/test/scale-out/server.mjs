// One app instance for the scale-out test: node:http through core's web
// handlers, configured from the environment, printing its port when ready.
//   STATE_SECRETS  JSON list of state secrets (the first signs)
//   API_URL, AUTHORIZE_URL  the sandbox's endpoints
//   PRIVATE_KEY, TEAM_ID, KEY_ID  the developer-token key
//   REDIS_URL  optional: share used states through this Redis
import { createServer } from 'node:http';
import { createAppleMusicAuth } from '@apple-music-auth/core';
import { toNodeListener } from '@apple-music-auth/core/node';
import { createClient } from 'redis';
import { createRedisSingleUseStore } from '../../../../testing/redis-single-use-store.mjs';

const env = process.env;
const redis = env.REDIS_URL ? await createClient({ url: env.REDIS_URL }).connect() : undefined;
const auth = createAppleMusicAuth({
  teamId: env.TEAM_ID,
  keyId: env.KEY_ID,
  privateKey: env.PRIVATE_KEY,
  callbackURL: '/auth/apple-music/callback',
  state: {
    secret: JSON.parse(env.STATE_SECRETS),
    ...(redis ? { usedStates: createRedisSingleUseStore(redis) } : {}),
  },
  app: { name: 'Scale-out App' },
  endpoints: { authorize: env.AUTHORIZE_URL, api: env.API_URL },
});

const server = createServer(
  toNodeListener((request) => {
    const { pathname } = new URL(request.url);
    if (pathname === auth.routes.loginPath) return auth.handleLogin(request);
    if (pathname !== auth.routes.callbackPath) return new Response('Not Found', { status: 404 });
    return auth.handleCallback(request, {
      onSuccess: ({ musicUserToken }) => Response.json({ musicUserToken, pid: process.pid }),
      onError: (error) => Response.json({ code: error.code }, { status: error.status }),
    });
  }),
);
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`));

process.on('SIGTERM', async () => {
  server.close();
  await auth.close();
  await redis?.close();
  process.exit(0);
});
