import { MAX_CALLBACK_BODY_BYTES, TokenError } from '@apple-music-auth/core';
import type { Sandbox } from '@apple-music-auth/sandbox';
import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify';
import { HttpResponse, http } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type AppleMusicAuthPluginOptions, appleMusicAuth } from '../src/index.js';
import { injectBrowser } from './support/inject-browser.js';
import { sandboxOptions, startTestSandbox } from './support/scenario-app.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(() => sandbox.close());
afterEach(() => sandbox.resetHandlers());

/** An app whose own error handler records every error that reaches it. */
async function appWith(options: Partial<AppleMusicAuthPluginOptions> = {}) {
  const app = Fastify();
  const handled: unknown[] = [];
  const routes: RouteOptions[] = [];
  app.setErrorHandler((error, _request, reply) => {
    handled.push(error);
    return reply.code(500).send({ handled: true });
  });
  app.addHook('onRoute', (route) => {
    routes.push(route);
  });
  app.get('/elsewhere', async (request) => ({ login: request.appleMusicLogin }));
  await app.register(appleMusicAuth, { ...sandboxOptions(sandbox), ...options });
  return { app, handled, routes };
}

it("hands onError a body Fastify refused as ERR_CALLBACK_INVALID, with Fastify's reason and what to post", async () => {
  const { app } = await appWith({
    onError: (_request, reply, error) => reply.code(error.status).send({ message: error.message }),
  });
  const browser = injectBrowser(app);
  await browser.openLogin();
  const response = await browser.request({
    method: 'POST',
    url: '/auth/apple-music/callback',
    headers: { 'content-type': 'text/plain' },
    payload: 'state=x',
  });
  expect(response.statusCode).toBe(415);
  expect(response.json().message).toMatch(
    /^The callback body was refused \(.+\): post the form the bridge page builds\.$/,
  );
  await app.close();
});

describe('the callback body, parsed in the plugin context', () => {
  let app: FastifyInstance;
  let handled: unknown[];
  let routes: RouteOptions[];
  beforeAll(async () => {
    ({ app, handled, routes } = await appWith({
      onSuccess: (request) => ({ token: request.appleMusicLogin?.musicUserToken }),
    }));
  });
  afterAll(() => app.close());

  it('accepts the result as JSON', async () => {
    const browser = injectBrowser(app);
    const state = await browser.openLogin();
    const token = sandbox.issueToken();
    const response = await browser.request({
      method: 'POST',
      url: '/auth/apple-music/callback',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ state, music_user_token: token }),
    });
    expect(response.json()).toEqual({ token });
  });

  for (const [what, headers, payload, status] of [
    ['a text/plain body', { 'content-type': 'text/plain' }, 'state=x', 415],
    [
      'a body over core’s limit',
      { 'content-type': 'application/x-www-form-urlencoded' },
      `state=${'a'.repeat(MAX_CALLBACK_BODY_BYTES)}`,
      413,
    ],
    ['malformed JSON', { 'content-type': 'application/json' }, '{"state":', 400],
  ] as const) {
    it(`answers ${what} with core's failure redirect, not Fastify's error handler`, async () => {
      const browser = injectBrowser(app);
      await browser.openLogin();
      const response = await browser.request({
        method: 'POST',
        url: '/auth/apple-music/callback',
        headers,
        payload,
      });
      expect(response.statusCode).toBe(303);
      expect(response.headers.location).toBe('/auth/apple-music?error=ERR_CALLBACK_INVALID');
      expect(browser.jar.size).toBe(0);
      const page = await browser.request({ url: response.headers.location as string });
      expect(page.statusCode).toBe(400);
      expect(page.body).toContain('ERR_CALLBACK_INVALID');
      expect(handled).toEqual([]);
    });

    it(`hands ${what} to onError as ERR_CALLBACK_INVALID with status ${status}`, async () => {
      const { app: hooked } = await appWith({
        onError: (_request, reply, error) => reply.code(error.status).send({ code: error.code }),
      });
      const response = await hooked.inject({
        method: 'POST',
        url: '/auth/apple-music/callback',
        headers,
        payload,
      });
      expect(response.statusCode).toBe(status);
      expect(response.json()).toEqual({ code: 'ERR_CALLBACK_INVALID' });
      await hooked.close();
    });
  }

  it('declares a route schema for the body, limited to core’s size', () => {
    const callback = routes.find((route) => route.method === 'POST');
    expect(callback?.url).toBe('/auth/apple-music/callback');
    expect(callback?.schema?.body).toMatchObject({ maxLength: MAX_CALLBACK_BODY_BYTES });
  });

  it('leaves request.appleMusicLogin null outside the callback', async () => {
    expect((await app.inject({ url: '/elsewhere' })).json()).toEqual({ login: null });
  });
});

describe('failures', () => {
  it("answers Apple's 5xx with core's failure page, never Fastify's error handler", async () => {
    const { app, handled } = await appWith();
    sandbox.use(http.get('*/v1/me/storefront', () => new HttpResponse('oops', { status: 500 })));
    const response = await injectBrowser(app).login({ music_user_token: sandbox.issueToken() });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/auth/apple-music?error=ERR_UPSTREAM');
    const page = await app.inject({ url: response.headers.location as string });
    expect(page.statusCode).toBe(502);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('ERR_UPSTREAM');
    expect(handled).toEqual([]);
    await app.close();
  });

  it('hands a failure to onError with the state cookie already cleared', async () => {
    const { app } = await appWith({
      onError: (_request, reply, error) => reply.code(error.status).send({ code: error.code }),
    });
    const browser = injectBrowser(app);
    const response = await browser.login({ error: 'access_denied' });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toEqual({ code: 'ERR_ACCESS_DENIED' });
    expect(browser.jar.size).toBe(0);
    await app.close();
  });

  it("answers an AppleMusicAuthError thrown by onSuccess with core's failure redirect", async () => {
    const { app, handled } = await appWith({
      onSuccess: () => {
        throw new TokenError('ERR_USER_TOKEN_REJECTED', 'Apple refused the token: sign in again.');
      },
    });
    const browser = injectBrowser(app);
    const state = await browser.openLogin('/auth/apple-music?returnTo=%2Flibrary');
    const response = await browser.postCallback('/auth/apple-music/callback', {
      state,
      music_user_token: sandbox.issueToken(),
    });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe(
      '/auth/apple-music?error=ERR_USER_TOKEN_REJECTED&returnTo=%2Flibrary',
    );
    expect(browser.jar.size).toBe(0);
    expect(handled).toEqual([]);
    await app.close();
  });

  it.each([
    ['a plain error', new Error('the database is down')],
    [
      "an error whose code mentions Fastify's body refusals",
      Object.assign(new Error('not a body refusal'), { code: 'APP_FST_ERR_VALIDATION' }),
    ],
  ])("passes the app's own errors from onSuccess to its error handler: %s", async (_what, bug) => {
    const { app, handled } = await appWith({
      onSuccess: () => {
        throw bug;
      },
    });
    const response = await injectBrowser(app).login({ music_user_token: sandbox.issueToken() });
    expect(response.json()).toEqual({ handled: true });
    expect(handled).toEqual([bug]);
    await app.close();
  });
});
