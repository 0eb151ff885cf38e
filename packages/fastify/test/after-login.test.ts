import { isAppleMusicAuthError } from '@apple-music-auth/core';
import type { Sandbox } from '@apple-music-auth/sandbox';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectDeveloperTokenRoute } from '../../../testing/developer-token-route.js';
import { type AppleMusicAuthPluginOptions, appleMusicAuth } from '../src/index.js';
import { injectBrowser } from './support/inject-browser.js';
import { publicKey, sandboxOptions, startTestSandbox } from './support/scenario-app.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(() => sandbox.close());

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** One user's app: the stored token lives in a variable; `/recent` and `/recent-caught` are guarded. */
async function start(extra: Partial<AppleMusicAuthPluginOptions> = {}) {
  const user = { stored: undefined as string | undefined, clears: 0 };
  const created = Fastify();
  app = created;
  await created.register(appleMusicAuth, {
    ...sandboxOptions(sandbox),
    onSuccess(_request, reply, result) {
      user.stored = result.musicUserToken;
      return reply.redirect(result.returnTo ?? '/', 303);
    },
    ...extra,
  });
  const guard = created.appleMusic.requireLogin({
    read: () => user.stored,
    clear: () => {
      user.clears += 1;
      user.stored = undefined;
    },
  });
  const recent = (musicUserToken: string | null) =>
    created.appleMusic.fetchAppleMusic<{ data: unknown[] }>('/v1/me/recent/played', {
      musicUserToken: musicUserToken ?? '',
    });
  created.get('/recent', guard, async (request) => ({
    items: (await recent(request.appleMusicUserToken)).data.length,
  }));
  created.get('/recent-caught', { preHandler: guard.preHandler }, async (request, reply) => {
    try {
      return { items: (await recent(request.appleMusicUserToken)).data.length };
    } catch (error) {
      if (!isAppleMusicAuthError(error) || error.code !== 'ERR_USER_TOKEN_REJECTED') throw error;
      return guard.signInAgain(request, reply);
    }
  });
  created.get('/boom', guard, async () => {
    throw new Error('a bug, not a login problem');
  });
  return { app: created, user };
}

const PAGE = { accept: 'text/html,application/xhtml+xml' };

describe('the developer-token route on Fastify', () => {
  it('is registered under the prefix, on loopback', async () => {
    const { app } = await start({ prefix: '/api' });
    expect(app.appleMusic.routes.developerTokenPath).toBe('/api/auth/apple-music/developer-token');
    const origin = await app.listen({ port: 0, host: '127.0.0.1' });
    await expectDeveloperTokenRoute(`${origin}/api/auth/apple-music/developer-token`, {
      appOrigin: origin,
      publicKey,
    });
  });

  it('moves with developerTokenPath, and refuses one that is not a path', async () => {
    const { app } = await start({ developerTokenPath: '/musickit/token' });
    expect((await app.inject({ url: '/musickit/token' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/auth/apple-music/developer-token' })).statusCode).toBe(404);
    const other = Fastify();
    await expect(
      other.register(appleMusicAuth, { ...sandboxOptions(sandbox), developerTokenPath: 'token' }),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_OPTIONS', message: /developerTokenPath/ });
    await other.close();
  });
});

describe('requireLogin() as route options', () => {
  it('sends a page navigation without a login to sign in, with returnTo', async () => {
    const { app } = await start();
    const response = await app.inject({ url: '/recent?tab=all', headers: PAGE });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/auth/apple-music?returnTo=%2Frecent%3Ftab%3Dall');
  });

  it('answers an API call without a login 401, naming the login route under the prefix', async () => {
    const { app } = await start({ prefix: '/api' });
    const response = await app.inject({ url: '/recent', headers: { accept: 'application/json' } });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({
      error: 'login_required',
      login: '/api/auth/apple-music?returnTo=%2Frecent',
    });
  });

  for (const path of ['/recent', '/recent-caught']) {
    it(`on ${path}: lets a login through; after Apple revokes it, back to login and to the page`, async () => {
      const { app, user } = await start();
      const browser = injectBrowser(app);
      const first = await browser.login({
        music_user_token: sandbox.issueToken(),
        restricted: '0',
      });
      expect(first.statusCode).toBe(303);
      const revoked = user.stored ?? '';
      expect((await browser.request({ url: path })).json()).toEqual({ items: expect.any(Number) });

      expect(sandbox.revokeToken(revoked)).toBe(true);
      const api = await browser.request({ url: path });
      expect(api.statusCode).toBe(401);
      expect(user.clears).toBe(1);

      user.stored = revoked;
      const page = await browser.request({ url: path, headers: PAGE });
      expect(page.statusCode).toBe(303);
      const login = page.headers.location as string;
      expect(login).toBe(`/auth/apple-music?returnTo=${encodeURIComponent(path)}`);
      expect(user.stored).toBeUndefined();

      const again = await browser.login(
        { music_user_token: sandbox.issueToken(), restricted: '0' },
        { login, callback: '/auth/apple-music/callback' },
      );
      expect(again.headers.location).toBe(path);
      expect(user.stored).not.toBe(revoked);
      expect((await browser.request({ url: path, headers: PAGE })).statusCode).toBe(200);
    });
  }

  it("leaves other errors to Fastify's error handler", async () => {
    const { app, user } = await start();
    user.stored = sandbox.issueToken();
    const response = await app.inject({ url: '/boom', headers: PAGE });
    expect(response.statusCode).toBe(500);
    expect(user.clears).toBe(0);
  });

  it('throws ERR_INVALID_OPTIONS naming a missing read or clear', async () => {
    const { app } = await start();
    const missing = { read: () => undefined } as unknown as Parameters<
      typeof app.appleMusic.requireLogin
    >[0];
    expect(() => app.appleMusic.requireLogin(missing)).toThrow(/requireLogin\(\{ clear \}\)/);
  });
});
