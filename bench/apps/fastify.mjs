// Fastify 5: ours is the @apple-music-auth/fastify plugin (state in a signed
// cookie, the default 303 after the callback, a failure answered with its
// status), beside bare Fastify routes;
// @fastify/formbody parses the bare callback's form, as the example app does.
import { appleMusicAuth } from '@apple-music-auth/fastify';
import fastifyFormbody from '@fastify/formbody';
import Fastify from 'fastify';
import { benchAuthOptions } from '../bench-options.mjs';
import { BARE_CALLBACK_PATH, BARE_LOGIN_PATH, barePage } from './bare-routes.mjs';
import { failedCallbackReply } from './failed-callback.mjs';

/** Creates the Fastify app's server (not listening yet). */
export async function createApp() {
  const app = Fastify({ logger: false });
  await app.register(fastifyFormbody);
  const { callbackURL: _derived, ...options } = benchAuthOptions();
  await app.register(appleMusicAuth, { ...options, onError: failedCallbackReply });
  app.get(BARE_LOGIN_PATH, async (_request, reply) =>
    reply.header('cache-control', 'no-store').type(barePage.contentType).send(barePage.body),
  );
  app.post(BARE_CALLBACK_PATH, async (_request, reply) => reply.redirect('/', 303));
  await app.ready();
  return app.server;
}
