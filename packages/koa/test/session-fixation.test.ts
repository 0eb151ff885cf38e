// Session fixation (issue 18): with `session: true` the adapter owns the
// koa-session, so a successful callback gives it a new id before the app
// stores the token in it; a session cookie planted before the login must
// show the attacker nothing afterwards.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Router } from '@koa/router';
import Koa from 'koa';
import createSession from 'koa-session';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNewSessionOnLogin } from '../../../testing/session-fixation.js';
import { type AppleMusicKoa, appleMusicAuth } from '../src/index.js';
import { useSandbox } from './support/sandbox-fixture.js';

const { sandbox, options } = useSandbox();

describe('a successful callback with session: true regenerates the koa-session', () => {
  let server: Server;
  let origin: string;
  let am: AppleMusicKoa;
  const sessions = new Map<string, unknown>();

  beforeAll(async () => {
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    am = appleMusicAuth(options(origin, { state: {}, session: true }));
    const app = new Koa();
    app.keys = ['a-session-signing-key-for-the-tests'];
    const store = {
      get: async (key: string) => sessions.get(key),
      set: async (key: string, value: unknown) => {
        sessions.set(key, value);
      },
      destroy: async (key: string) => {
        sessions.delete(key);
      },
    };
    app.use(createSession({ store }, app));
    const router = new Router();
    router.get(am.routes.loginPath, am.login());
    router.post(am.routes.callbackPath, am.callback(), (ctx) => {
      if (ctx.session) ctx.session.musicUserToken = ctx.state.appleMusic.musicUserToken;
      ctx.body = 'signed in';
    });
    router.get('/whoami', (ctx) => {
      ctx.body = { musicUserToken: ctx.session?.musicUserToken ?? null };
    });
    app.use(router.routes());
    server.on('request', app.callback());
  });
  afterAll(async () => {
    await am.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('gives the session a new id, so a planted session cookie sees nothing', async () => {
    const before = sessions.size;
    await expectNewSessionOnLogin({
      origin,
      sandbox: sandbox(),
      sessionCookie: 'koa.sess',
      whoamiPath: '/whoami',
    });
    // The planted session is gone from the store; the victim's new one holds the login.
    expect(sessions.size).toBe(before + 1);
  });
});
