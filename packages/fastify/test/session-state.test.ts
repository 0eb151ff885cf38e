import { randomBytes } from 'node:crypto';
import type { SessionAccess } from '@apple-music-auth/core';
import type { Sandbox } from '@apple-music-auth/sandbox';
import fastifyCookie from '@fastify/cookie';
import fastifySecureSession from '@fastify/secure-session';
import fastifySession from '@fastify/session';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appleMusicAuth } from '../src/index.js';
import { type InjectBrowser, injectBrowser } from './support/inject-browser.js';
import { sandboxOptions, startTestSandbox } from './support/scenario-app.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(() => sandbox.close());

const sessionOf = (request: FastifyRequest) =>
  (request as unknown as { session: SessionAccess }).session;

/**
 * Each session plugin, how it is registered, and how it refuses a state sent
 * again with the cookies from before the login: `@fastify/session` destroys
 * the old session when the login gives it a new id (so the state is missing),
 * `@fastify/secure-session` lives in its cookie (so the state is replayed).
 */
const sessionPlugins: Array<
  [name: string, register: (app: FastifyInstance) => Promise<void>, replayedAs: string]
> = [
  [
    '@fastify/session',
    async (app) => {
      await app.register(fastifyCookie);
      await app.register(fastifySession, {
        secret: randomBytes(32).toString('hex'),
        cookie: { secure: false },
      });
    },
    'ERR_STATE_MISSING',
  ],
  [
    '@fastify/secure-session',
    async (app) => {
      await app.register(fastifySecureSession, {
        key: randomBytes(32),
        cookie: { path: '/', httpOnly: true },
      });
    },
    'ERR_STATE_REPLAYED',
  ],
];

for (const [name, registerSession, replayedAs] of sessionPlugins) {
  describe(`session: true with ${name}`, () => {
    let app: FastifyInstance;
    beforeAll(async () => {
      app = Fastify();
      await registerSession(app);
      app.post('/cart', async (request) => {
        sessionOf(request).set('cart', ['album-1']);
        return { ok: true };
      });
      app.get('/session', async (request) => ({
        cart: sessionOf(request).get('cart') ?? null,
        pending: sessionOf(request).get('appleMusicAuth') ?? null,
      }));
      await app.register(appleMusicAuth, {
        ...sandboxOptions(sandbox, { state: {} }),
        session: true,
        onSuccess: (request) => ({ token: request.appleMusicLogin?.musicUserToken }),
      });
    });
    afterAll(() => app.close());

    it("keeps the state in the session, and the user's other values survive the callback", async () => {
      const browser = injectBrowser(app);
      await browser.request({ method: 'POST', url: '/cart' });
      const state = await browser.openLogin();
      expect([...browser.jar.keys()].some((cookie) => cookie.includes('apple_music_auth'))).toBe(
        false,
      );
      expect((await browser.request({ url: '/session' })).json().pending).not.toBeNull();
      const token = sandbox.issueToken();
      const response = await browser.postCallback('/auth/apple-music/callback', {
        state,
        music_user_token: token,
      });
      expect(response.json()).toEqual({ token });
      const after = (await browser.request({ url: '/session' })).json();
      expect(after.cart).toEqual(['album-1']);
      expect(after.pending).toMatchObject({ used: state });
    });

    it('refuses a state used twice, and keeps the cart after the failure too', async () => {
      const browser = injectBrowser(app);
      await browser.request({ method: 'POST', url: '/cart' });
      const state = await browser.openLogin();
      const fields = { state, music_user_token: sandbox.issueToken() };
      await browser.postCallback('/auth/apple-music/callback', fields);
      const replay = await browser.postCallback('/auth/apple-music/callback', fields);
      expect(replay.statusCode).toBe(303);
      expect(replay.headers.location).toMatch(/^\/auth\/apple-music\?error=ERR_STATE_/);
      expect((await browser.request({ url: '/session' })).json().cart).toEqual(['album-1']);
    });

    /** A browser that holds a copy of `browser`'s cookies as they are now. */
    const copyOf = (browser: InjectBrowser): InjectBrowser => {
      const copy = injectBrowser(app);
      for (const [name, value] of browser.jar) copy.jar.set(name, value);
      return copy;
    };

    it('lets exactly one of 5 concurrent callbacks with one state succeed', async () => {
      const browser = injectBrowser(app);
      const state = await browser.openLogin();
      const token = sandbox.issueToken();
      const answers = await Promise.all(
        Array.from({ length: 5 }, () =>
          copyOf(browser).postCallback('/auth/apple-music/callback', {
            state,
            music_user_token: token,
          }),
        ),
      );
      expect(answers.filter((answer) => answer.statusCode === 200)).toHaveLength(1);
      expect(
        answers.filter((answer) => answer.statusCode !== 200).map((a) => a.headers.location),
      ).toEqual(Array(4).fill('/auth/apple-music?error=ERR_STATE_REPLAYED'));
    });

    it('refuses the state again when the cookies from before the login are sent again', async () => {
      const browser = injectBrowser(app);
      const state = await browser.openLogin();
      const beforeLogin = copyOf(browser);
      const done = await browser.postCallback('/auth/apple-music/callback', {
        state,
        music_user_token: sandbox.issueToken(),
      });
      expect(done.statusCode).toBe(200);
      for (let replay = 0; replay < 2; replay += 1) {
        const answer = await copyOf(beforeLogin).postCallback('/auth/apple-music/callback', {
          state,
          music_user_token: sandbox.issueToken(),
        });
        expect(answer.headers.location).toBe(`/auth/apple-music?error=${replayedAs}`);
      }
    });

    it("refuses another browser's state", async () => {
      const attacker = injectBrowser(app);
      const state = await attacker.openLogin();
      const victim = injectBrowser(app);
      await victim.openLogin();
      const response = await victim.postCallback('/auth/apple-music/callback', {
        state,
        music_user_token: sandbox.issueToken(),
      });
      expect(response.headers.location).toBe('/auth/apple-music?error=ERR_STATE_MISMATCH');
    });
  });
}
