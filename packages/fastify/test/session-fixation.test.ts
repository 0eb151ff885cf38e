// Session fixation (issue 18): with `session: true` the plugin owns the
// `@fastify/session` session, so a successful callback gives it a new id,
// every value kept, before onSuccess stores the token; a session cookie
// planted before the login must show the attacker nothing afterwards.
import { randomBytes } from 'node:crypto';
import type { Sandbox } from '@apple-music-auth/sandbox';
import fastifyCookie from '@fastify/cookie';
import fastifySession from '@fastify/session';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { expectNewSessionOnLogin } from '../../../testing/session-fixation.js';
import { appleMusicAuth } from '../src/index.js';
import { sandboxOptions, startTestSandbox } from './support/scenario-app.js';

/** The session as the test's own routes use it (the app declares no SessionData). */
const sessionOf = (request: FastifyRequest) =>
  request.session as unknown as {
    get(key: string): unknown;
    set(key: string, value: unknown): void;
  };

describe('a successful callback with session: true regenerates the @fastify/session', () => {
  let sandbox: Sandbox;
  let app: FastifyInstance;
  let origin: string;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    app = Fastify();
    await app.register(fastifyCookie);
    await app.register(fastifySession, {
      secret: randomBytes(32).toString('hex'),
      cookie: { secure: false },
    });
    await app.register(appleMusicAuth, {
      ...sandboxOptions(sandbox, { state: {} }),
      session: true,
      onSuccess: (request) => {
        sessionOf(request).set('musicUserToken', request.appleMusicLogin?.musicUserToken);
        return 'signed in';
      },
    });
    app.get('/whoami', async (request) => ({
      musicUserToken: sessionOf(request).get('musicUserToken') ?? null,
    }));
    origin = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app.close();
    await sandbox.close();
  });

  it('gives the session a new id, so a planted session cookie sees nothing', async () => {
    await expectNewSessionOnLogin({
      origin,
      sandbox,
      sessionCookie: 'sessionId',
      whoamiPath: '/whoami',
    });
  });
});
