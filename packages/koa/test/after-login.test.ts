import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Router } from '@koa/router';
import Koa from 'koa';
import { afterEach, describe, expect, it } from 'vitest';
import { expectDeveloperTokenRoute } from '../../../testing/developer-token-route.js';
import { type AppleMusicKoa, type AppleMusicKoaOptions, appleMusicAuth } from '../src/index.js';
import { openLoginPage, postCallback } from './support/browser-steps.js';
import { publicKey, useSandbox } from './support/sandbox-fixture.js';

const { sandbox, options: authOptions } = useSandbox();

/** One user's app: the stored token lives in a variable, `/recent` is guarded. */
interface GuardedApp {
  origin: string;
  am: AppleMusicKoa;
  stored: string | undefined;
  clears: number;
  close(): Promise<void>;
}

let app: GuardedApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function start(
  mount: 'middleware' | 'router',
  extra: Partial<AppleMusicKoaOptions> = {},
): Promise<GuardedApp> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const am = appleMusicAuth(authOptions(origin, extra));
  const koa = new Koa();
  koa.silent = true;
  const target: GuardedApp = {
    origin,
    am,
    stored: undefined,
    clears: 0,
    async close() {
      await am.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  const guard = am.requireLogin({
    read: () => target.stored,
    clear: () => {
      target.clears += 1;
      target.stored = undefined;
    },
  });
  const router = new Router();
  router.get('/recent', guard, async (ctx) => {
    const played = await am.fetchAppleMusic<{ data: unknown[] }>('/v1/me/recent/played', {
      musicUserToken: ctx.state.musicUserToken,
    });
    ctx.body = { items: played.data.length };
  });
  router.get('/boom', guard, () => {
    throw new Error('a bug, not a login problem');
  });
  if (mount === 'middleware') {
    koa.use(am.middleware());
    koa.use(async (ctx, next) => {
      if (!ctx.state.appleMusic) return next();
      target.stored = ctx.state.appleMusic.musicUserToken;
    });
  } else {
    router.all('/tokens/developer', am.developerToken());
    router.get(am.routes.loginPath, am.login());
    router.post(am.routes.callbackPath, am.callback(), (ctx) => {
      target.stored = ctx.state.appleMusic.musicUserToken;
    });
  }
  koa.use(router.routes());
  server.on('request', koa.callback());
  app = target;
  return target;
}

/** Logs in through the sandbox from the login URL and returns the callback's answer. */
async function logIn(target: GuardedApp, loginURL: string): Promise<Response> {
  const { state, cookies } = await openLoginPage(loginURL);
  const fields = { state, music_user_token: sandbox().issueToken(), restricted: '0' };
  return postCallback(`${target.origin}/auth/apple-music/callback`, fields, cookies);
}

const PAGE = { accept: 'text/html,application/xhtml+xml' };

describe('the developer-token route on Koa', () => {
  it('is mounted by middleware() on developerTokenPath', async () => {
    const target = await start('middleware');
    expect(target.am.routes.developerTokenPath).toBe('/auth/apple-music/developer-token');
    await expectDeveloperTokenRoute(`${target.origin}/auth/apple-music/developer-token`, {
      appOrigin: target.origin,
      publicKey,
    });
  });

  it('is the developerToken() middleware on a router', async () => {
    const target = await start('router');
    await expectDeveloperTokenRoute(`${target.origin}/tokens/developer`, {
      appOrigin: target.origin,
      publicKey,
    });
  });

  it('moves with the developerTokenPath option, and refuses one that is not a path', async () => {
    const target = await start('middleware', { developerTokenPath: '/musickit/token' });
    expect((await fetch(`${target.origin}/musickit/token`)).status).toBe(200);
    expect((await fetch(`${target.origin}/auth/apple-music/developer-token`)).status).toBe(404);
    expect(() =>
      appleMusicAuth({ ...authOptions(target.origin), developerTokenPath: 'token' }),
    ).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTIONS' }));
  });
});

describe.each(['middleware', 'router'] as const)('requireLogin() mounted with %s', (mount) => {
  it('sends a page navigation without a login to sign in, with returnTo', async () => {
    const target = await start(mount);
    const response = await fetch(`${target.origin}/recent?tab=all`, {
      headers: PAGE,
      redirect: 'manual',
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(
      '/auth/apple-music?returnTo=%2Frecent%3Ftab%3Dall',
    );
  });

  it('answers an API call without a login 401, naming the login route', async () => {
    const target = await start(mount);
    const response = await fetch(`${target.origin}/recent`, {
      headers: { accept: 'application/json' },
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      error: 'login_required',
      login: '/auth/apple-music?returnTo=%2Frecent',
    });
  });

  it('lets a stored login through, and after Apple revokes it, back to the page it wanted', async () => {
    const target = await start(mount);
    const first = await logIn(target, `${target.origin}/auth/apple-music`);
    expect(first.status).toBe(303);
    const revoked = target.stored ?? '';
    expect((await (await fetch(`${target.origin}/recent`)).json()) as object).toEqual({
      items: expect.any(Number),
    });

    expect(sandbox().revokeToken(revoked)).toBe(true);
    const api = await fetch(`${target.origin}/recent`);
    expect(api.status).toBe(401);
    expect(target.clears).toBe(1);
    expect(target.stored).toBeUndefined();

    target.stored = revoked;
    const page = await fetch(`${target.origin}/recent`, { headers: PAGE, redirect: 'manual' });
    expect(page.status).toBe(303);
    const login = page.headers.get('location') ?? '';
    expect(login).toBe('/auth/apple-music?returnTo=%2Frecent');
    expect(target.stored).toBeUndefined();

    const again = await logIn(target, `${target.origin}${login}`);
    expect(again.status).toBe(303);
    expect(again.headers.get('location')).toBe('/recent');
    expect(target.stored).not.toBe(revoked);
    const back = await fetch(`${target.origin}/recent`, { headers: PAGE });
    expect(back.status).toBe(200);
  });

  it('lets errors that are not a rejected token through to Koa', async () => {
    const target = await start(mount);
    target.stored = sandbox().issueToken();
    const response = await fetch(`${target.origin}/boom`, { headers: PAGE });
    expect(response.status).toBe(500);
    expect(target.clears).toBe(0);
    expect(target.stored).toBeDefined();
  });
});

describe('requireLogin() options', () => {
  it('throws ERR_INVALID_OPTIONS naming a missing read or clear', async () => {
    const target = await start('router');
    expect(() =>
      target.am.requireLogin({ read: () => undefined } as unknown as Parameters<
        AppleMusicKoa['requireLogin']
      >[0]),
    ).toThrow(/requireLogin\(\{ clear \}\)/);
    expect(() =>
      target.am.requireLogin({ clear: () => undefined } as unknown as Parameters<
        AppleMusicKoa['requireLogin']
      >[0]),
    ).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTIONS' }));
  });
});
