// The session state store against the session packages people run, not a
// fake: express-session and koa-session through sessionFromObject, and
// @fastify/session and @fastify/secure-session as they are (whose delete()
// wipes the whole session: the store must never call it).
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fastifyCookie from '@fastify/cookie';
import fastifySecureSession from '@fastify/secure-session';
import fastifySession from '@fastify/session';
import express from 'express';
import expressSession from 'express-session';
import Fastify, { type FastifyInstance } from 'fastify';
import Koa from 'koa';
import koaSession from 'koa-session';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type AppleMusicAuth,
  createAppleMusicAuth,
  type SessionAccess,
  sessionFromObject,
} from '../../src/index.js';
import type { CallbackOutcome } from '../../src/routes/login-steps.js';

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const SECRET = 'a-session-secret-that-is-long-enough-0123456789';

const auth: AppleMusicAuth = createAppleMusicAuth({
  teamId: 'TEAM123456',
  keyId: 'KEY1234567',
  privateKey,
  callbackURL: '/auth/apple-music/callback',
  state: { store: 'session' },
  verifyUserToken: false,
});

/** The three routes every app below mounts, on the kit. */
const routes = {
  login: (url: string, headers: Record<string, unknown>, session: SessionAccess | undefined) =>
    auth.loginStep({ method: 'GET', url, headers: headers as never, session }),
  callback: (
    url: string,
    headers: Record<string, unknown>,
    body: Record<string, unknown>,
    session: SessionAccess | undefined,
  ): Promise<CallbackOutcome> =>
    auth.callbackStep({ method: 'POST', url, headers: headers as never, body, session }),
};

/** What a test sees of an outcome: 200 with the token, or the error's status and code. */
function answer(outcome: CallbackOutcome): { status: number; body: string } {
  if (outcome.error) return { status: outcome.error.status, body: outcome.error.code };
  return { status: 200, body: outcome.result.musicUserToken };
}

function expressApp(): (port: number) => Server {
  const app = express();
  app.use(expressSession({ secret: SECRET, resave: false, saveUninitialized: false }));
  app.use(express.urlencoded({ extended: false }));
  app.get('/seed', (req, res) => {
    (req.session as unknown as Record<string, unknown>).user = 'ada';
    res.end('seeded');
  });
  app.get('/user', (req, res) => {
    res.end(String((req.session as unknown as Record<string, unknown>).user));
  });
  app.get('/auth/apple-music', async (req, res) => {
    const reply = await routes.login(req.url, req.headers, sessionFromObject(req.session));
    res.status(reply.status).send(reply.body);
  });
  app.post('/auth/apple-music/callback', async (req, res) => {
    const { status, body } = answer(
      await routes.callback(req.url, req.headers, req.body, sessionFromObject(req.session)),
    );
    res.status(status).send(body);
  });
  return (port) => app.listen(port, '127.0.0.1');
}

function koaApp(): (port: number) => Server {
  const app = new Koa();
  app.keys = [SECRET];
  app.use(koaSession({ signed: true }, app));
  app.use(async (ctx) => {
    const session = ctx.session as unknown as Record<string, unknown>;
    if (ctx.path === '/seed') {
      session.user = 'ada';
      ctx.body = 'seeded';
    } else if (ctx.path === '/user') {
      ctx.body = String(session.user);
    } else if (ctx.path === '/auth/apple-music') {
      const reply = await routes.login(ctx.url, ctx.headers, sessionFromObject(ctx.session));
      ctx.status = reply.status;
      ctx.body = reply.body;
    } else {
      const text = await new Promise<string>((resolve) => {
        let data = '';
        ctx.req.on('data', (chunk) => {
          data += chunk;
        });
        ctx.req.on('end', () => resolve(data));
      });
      const body = Object.fromEntries(new URLSearchParams(text));
      const { status, body: out } = answer(
        await routes.callback(ctx.url, ctx.headers, body, sessionFromObject(ctx.session)),
      );
      ctx.status = status;
      ctx.body = out;
    }
  });
  return (port) => app.listen(port, '127.0.0.1');
}

function fastifyApp(register: (app: FastifyInstance) => void): () => FastifyInstance {
  return () => {
    const app = Fastify();
    register(app);
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      (_request, text, done) => done(null, Object.fromEntries(new URLSearchParams(String(text)))),
    );
    app.get('/seed', async (request) => {
      request.session.set('user' as never, 'ada' as never);
      return 'seeded';
    });
    app.get('/user', async (request) => String(request.session.get('user' as never)));
    app.get('/auth/apple-music', async (request, reply) => {
      const out = await routes.login(request.url, request.headers, request.session);
      return reply.code(out.status).type('text/html').send(out.body);
    });
    app.post('/auth/apple-music/callback', async (request, reply) => {
      const { status, body } = answer(
        await routes.callback(
          request.url,
          request.headers,
          request.body as Record<string, unknown>,
          request.session,
        ),
      );
      return reply.code(status).send(body);
    });
    return app;
  };
}

/** A browser stand-in over loopback: it keeps cookies between requests, starting from `cookies`. */
function client(origin: string, cookies: ReadonlyMap<string, string> = new Map()) {
  const jar = new Map(cookies);
  const send = async (path: string, init: RequestInit = {}): Promise<Response> => {
    const headers = new Headers(init.headers);
    if (jar.size > 0) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const response = await fetch(`${origin}${path}`, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      jar.set(pair.slice(0, at), pair.slice(at + 1));
    }
    return response;
  };
  return Object.assign(send, { jar });
}

/** Opens the login page in `browser` and returns the state it carries. */
async function startLogin(browser: ReturnType<typeof client>): Promise<string> {
  const page = await browser('/auth/apple-music');
  expect(page.status).toBe(200);
  const state = /"state":"([^"]+)"/.exec(await page.text())?.[1] ?? '';
  expect(state).not.toBe('');
  return state;
}

/** Posts a callback with `state` and a token from `browser`. */
function postCallback(browser: ReturnType<typeof client>, state: string, token: string) {
  return browser('/auth/apple-music/callback', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ state, music_user_token: token, restricted: '0' }),
  });
}

type Started = { origin: string; close(): Promise<void> };

const apps: Array<[string, () => Promise<Started>]> = [
  ['express-session', () => listenNode(expressApp())],
  ['koa-session', () => listenNode(koaApp())],
  [
    '@fastify/session',
    () =>
      listenFastify(
        fastifyApp((app) => {
          app.register(fastifyCookie);
          app.register(fastifySession, { secret: SECRET, cookie: { secure: false } });
        }),
      ),
  ],
  [
    '@fastify/secure-session',
    () =>
      listenFastify(
        fastifyApp((app) => {
          app.register(fastifySecureSession, {
            key: randomBytes(32),
            cookie: { path: '/', httpOnly: true },
          });
        }),
      ),
  ],
];

async function listenNode(listen: (port: number) => Server): Promise<Started> {
  const server = listen(0);
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

async function listenFastify(create: () => FastifyInstance): Promise<Started> {
  const app = create();
  const origin = await app.listen({ port: 0, host: '127.0.0.1' });
  return { origin, close: () => app.close() };
}

afterAll(() => auth.close());

describe.each(apps)('the session state store with %s', (_name, start) => {
  it("keeps the login in the session, uses it once, and leaves the app's own values alone", async () => {
    const app = await start();
    try {
      const browser = client(app.origin);
      await browser('/seed');
      const page = await browser('/auth/apple-music?returnTo=%2Fafter');
      expect(page.status).toBe(200);
      const state = /"state":"([^"]+)"/.exec(await page.text())?.[1] ?? '';
      expect(state).not.toBe('');
      const form = new URLSearchParams({
        state,
        music_user_token: 'A'.repeat(64),
        restricted: '0',
      });
      const post = () =>
        browser('/auth/apple-music/callback', {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: form,
        });
      const done = await post();
      expect([done.status, await done.text()]).toEqual([200, 'A'.repeat(64)]);
      expect(await (await browser('/user')).text()).toBe('ada');
      const replay = await post();
      expect([replay.status, await replay.text()]).toEqual([403, 'ERR_STATE_REPLAYED']);
      expect(await (await browser('/user')).text()).toBe('ada');

      const stranger = client(app.origin);
      const foreign = await stranger('/auth/apple-music/callback', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form,
      });
      expect(foreign.status).toBe(400);
    } finally {
      await app.close();
    }
  });

  it('refuses the state again when the cookies from before the login are sent again', async () => {
    const app = await start();
    try {
      const browser = client(app.origin);
      const state = await startLogin(browser);
      const beforeLogin = new Map(browser.jar);
      const done = await postCallback(browser, state, 'A'.repeat(64));
      expect([done.status, await done.text()]).toEqual([200, 'A'.repeat(64)]);
      for (const token of ['B'.repeat(64), 'C'.repeat(64)]) {
        const replay = await postCallback(client(app.origin, beforeLogin), state, token);
        expect([replay.status, await replay.text()]).toEqual([403, 'ERR_STATE_REPLAYED']);
      }
    } finally {
      await app.close();
    }
  });

  it('lets exactly one of 5 concurrent callbacks with one state succeed', async () => {
    const app = await start();
    try {
      const browser = client(app.origin);
      const state = await startLogin(browser);
      const answers = await Promise.all(
        Array.from({ length: 5 }, async (_, index) => {
          const response = await postCallback(client(app.origin, browser.jar), state, `T${index}`);
          return [response.status, await response.text()];
        }),
      );
      expect(answers.filter(([status]) => status === 200)).toHaveLength(1);
      expect(answers.filter(([status]) => status !== 200)).toEqual(
        Array(4).fill([403, 'ERR_STATE_REPLAYED']),
      );
    } finally {
      await app.close();
    }
  });
});
