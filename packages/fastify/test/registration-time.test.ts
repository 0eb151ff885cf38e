// What the plugin decides while it registers, each checked by a test that
// registers its own app: a test that reuses an app built in a hook would not
// see a mistake made at registration.
import { MAX_CALLBACK_BODY_BYTES } from '@apple-music-auth/core';
import type { Sandbox } from '@apple-music-auth/sandbox';
import Fastify, { type RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppleMusicAuthPluginOptions, appleMusicAuth } from '../src/index.js';
import { injectBrowser } from './support/inject-browser.js';
import { sandboxOptions, startTestSandbox } from './support/scenario-app.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(() => sandbox.close());

async function registered(options: Partial<AppleMusicAuthPluginOptions> = {}) {
  const app = Fastify();
  const routes: RouteOptions[] = [];
  app.addHook('onRoute', (route) => {
    routes.push(route);
  });
  await app.register(appleMusicAuth, sandboxOptions(sandbox, options));
  return { app, routes };
}

describe('at registration', () => {
  it('decorates requests once, so that a second instance registers too', async () => {
    const { app } = await registered();
    expect(app.hasRequestDecorator('appleMusicLogin')).toBe(true);
    expect(app.hasRequestDecorator('appleMusicUserToken')).toBe(true);
    await app.register(
      appleMusicAuth,
      sandboxOptions(sandbox, { decorator: 'second', prefix: '/b' }),
    );
    await app.ready();
    await app.close();
  });

  it('gives a second instance a state cookie of its own name with no state option too', async () => {
    const { state, ...options } = sandboxOptions(sandbox, { decorator: 'second' });
    const { app } = await registered({
      ...options,
      state: undefined,
      stateSecret: (state as { secret: string }).secret,
    });
    const page = await app.inject({ url: '/auth/apple-music' });
    expect(String(page.headers['set-cookie'])).toMatch(/^apple_music_auth_second=/);
    await app.close();
  });

  it('gives a second instance a state cookie of its own name', async () => {
    const { app } = await registered({ decorator: 'second' });
    const page = await app.inject({ url: '/auth/apple-music' });
    expect(String(page.headers['set-cookie'])).toMatch(/^apple_music_auth_second=/);
    const first = await registered();
    const other = await first.app.inject({ url: '/auth/apple-music' });
    expect(String(other.headers['set-cookie'])).toMatch(/^apple_music_auth_state=/);
    await Promise.all([app.close(), first.app.close()]);
  });

  it("declares the callback's body schema, limited to core's size", async () => {
    const { app, routes } = await registered();
    const callback = routes.find((route) => route.method === 'POST');
    expect(callback?.schema?.body).toMatchObject({ maxLength: MAX_CALLBACK_BODY_BYTES });
    await app.close();
  });

  it("answers a login without onSuccess with core's 303 to returnTo", async () => {
    const { app } = await registered();
    const browser = injectBrowser(app);
    const state = await browser.openLogin('/auth/apple-music?returnTo=%2Flibrary');
    const response = await browser.postCallback('/auth/apple-music/callback', {
      state,
      music_user_token: sandbox.issueToken(),
    });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/library');
    await app.close();
  });

  it('refuses session: true beside another state.store, and takes it beside store "session"', async () => {
    const app = Fastify();
    app.decorateRequest('session', null as never);
    await expect(
      app.register(
        appleMusicAuth,
        sandboxOptions(sandbox, {
          session: true,
          state: { store: 'cookie', secret: 's'.repeat(32) },
        }),
      ),
    ).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTIONS',
      message: expect.stringMatching(/`session`/),
    });
    const other = Fastify();
    other.decorateRequest('session', null as never);
    await other.register(
      appleMusicAuth,
      sandboxOptions(sandbox, { session: true, state: { store: 'session' } }),
    );
    await other.ready();
    await Promise.all([app.close(), other.close()]);
  });

  it('hands a state option that is not an object to core, which names it', async () => {
    for (const state of ['a-secret-of-some-length-here-1234', null]) {
      const app = Fastify();
      await expect(
        app.register(
          appleMusicAuth,
          sandboxOptions(sandbox, { state } as unknown as Partial<AppleMusicAuthPluginOptions>),
        ),
      ).rejects.toMatchObject({
        code: 'ERR_INVALID_OPTIONS',
        message: expect.stringMatching(/`state`/),
      });
      await app.close();
    }
  });

  it('refuses a path or decorator given in a list, even one whose text would pass', async () => {
    for (const options of [{ loginPath: ['/auth'] }, { decorator: ['second'] }]) {
      const app = Fastify();
      await expect(
        app.register(
          appleMusicAuth,
          sandboxOptions(sandbox, options as unknown as Partial<AppleMusicAuthPluginOptions>),
        ),
      ).rejects.toThrow(/Invalid option/);
      await app.close();
    }
  });
});
