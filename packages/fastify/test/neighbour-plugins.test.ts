import type { Sandbox } from '@apple-music-auth/sandbox';
import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { appleMusicAuth } from '../src/index.js';
import { injectBrowser } from './support/inject-browser.js';
import { sandboxOptions, startTestSandbox } from './support/scenario-app.js';

let sandbox: Sandbox;
let app: FastifyInstance;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  app = Fastify();
  await app.register(fastifyFormbody);
  await app.register(fastifyCookie);
  app.post('/profile', async (request) => ({ body: request.body }));
  await app.register(appleMusicAuth, {
    ...sandboxOptions(sandbox),
    onSuccess: (_request, reply) => {
      reply.setCookie('user', 'signed-in', { path: '/', httpOnly: true });
      return reply.redirect('/home', 303);
    },
  });
});
afterAll(async () => {
  await app.close();
  await sandbox.close();
});

it("leaves the app's own @fastify/formbody parser in place outside the plugin", async () => {
  const response = await app.inject({
    method: 'POST',
    url: '/profile',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'name=Ada&plan=family',
  });
  expect(response.json()).toEqual({ body: { name: 'Ada', plan: 'family' } });
});

it('logs in beside @fastify/formbody and @fastify/cookie, keeping both their cookies and its own', async () => {
  const browser = injectBrowser(app);
  const response = await browser.login({ music_user_token: sandbox.issueToken() });
  expect(response.statusCode).toBe(303);
  expect(response.headers.location).toBe('/home');
  const setCookies = ([] as string[]).concat(response.headers['set-cookie'] ?? []);
  expect(setCookies.some((cookie) => cookie.startsWith('user=signed-in'))).toBe(true);
  expect(setCookies.some((cookie) => /^apple_music_auth_state=.*Max-Age=0/i.test(cookie))).toBe(
    true,
  );
});

it('works as well when it is registered before them', async () => {
  const first = Fastify();
  await first.register(appleMusicAuth, {
    ...sandboxOptions(sandbox),
    onSuccess: (request) => ({ token: request.appleMusicLogin?.musicUserToken }),
  });
  await first.register(fastifyFormbody);
  await first.register(fastifyCookie);
  first.post('/profile', async (request) => ({ body: request.body }));
  try {
    const token = sandbox.issueToken();
    const login = await injectBrowser(first).login({ music_user_token: token });
    expect(login.json()).toEqual({ token });
    const form = await first.inject({
      method: 'POST',
      url: '/profile',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'name=Ada',
    });
    expect(form.json()).toEqual({ body: { name: 'Ada' } });
  } finally {
    await first.close();
  }
});

it('keeps its form parser to itself: an app without @fastify/formbody still refuses forms', async () => {
  const bare = Fastify();
  await bare.register(appleMusicAuth, sandboxOptions(sandbox));
  bare.post('/profile', async (request) => ({ body: request.body }));
  try {
    const response = await bare.inject({
      method: 'POST',
      url: '/profile',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'name=Ada',
    });
    expect(response.statusCode).toBe(415);
    const json = await bare.inject({
      method: 'POST',
      url: '/profile',
      headers: { 'content-type': 'application/json' },
      payload: '{"name":"Ada"}',
    });
    expect(json.json()).toEqual({ body: { name: 'Ada' } });
  } finally {
    await bare.close();
  }
});
