// The middleware's own decisions, each with an app of its own: where the
// login state goes, its defaults, and what it leaves to the app after next().
import { afterEach, describe, expect, it } from 'vitest';
import { appleMusicAuth } from '../src/index.js';
import { openLoginPage, postCallback } from './support/browser-steps.js';
import {
  type KoaTestApp,
  type KoaTestAppOptions,
  startKoaTestApp,
} from './support/koa-test-app.js';
import { useSandbox } from './support/sandbox-fixture.js';

const { sandbox, options: authOptions } = useSandbox();
let app: KoaTestApp | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function start(options: Omit<KoaTestAppOptions, 'auth' | 'koa'>) {
  app = await startKoaTestApp({ koa: 'koa3', ...options, auth: (origin) => authOptions(origin) });
  return app;
}

async function callback(target: KoaTestApp, fields?: Record<string, string>) {
  const { state, cookies } = await openLoginPage(`${target.origin}/auth/apple-music`);
  const body = fields ?? { music_user_token: sandbox().issueToken(), restricted: '0' };
  return postCallback(`${target.origin}/auth/apple-music/callback`, { state, ...body }, cookies);
}

describe('the Koa middleware', () => {
  it("keeps the state in ctx.session with state.store: 'session' alone", async () => {
    const target = await start({ session: 'state.store' });
    const token = sandbox().issueToken();
    const response = await callback(target, { music_user_token: token, restricted: '0' });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ musicUserToken: token });
  });

  it('answers a failed callback itself unless throwErrors is set', async () => {
    const target = await start({});
    const response = await callback(target, { error: 'access_denied' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/auth/apple-music?error=ERR_ACCESS_DENIED');
  });

  it('keeps what the middleware after callback() answered: a status alone, or a 404 page', async () => {
    let status = 201;
    const target = await start({
      downstream: (ctx) => {
        ctx.status = status;
        if (status === 404) ctx.body = 'not here';
      },
    });
    const created = await callback(target);
    expect(created.status).toBe(201);
    status = 404;
    const missing = await callback(target);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toBe('not here');
  });

  it('answers 303 when nothing after callback() answered, with the clearing cookie only', async () => {
    const target = await start({ downstream: () => undefined });
    const response = await callback(target);
    expect(response.status).toBe(303);
    expect(response.headers.getSetCookie()).toEqual([
      expect.stringMatching(/^apple_music_auth_state=;.*Max-Age=0/i),
    ]);
  });

  it('refuses a developerTokenPath that is not a path, naming it', () => {
    for (const developerTokenPath of ['token', '//evil.example/token', 42]) {
      expect(() =>
        appleMusicAuth({
          ...authOptions('https://app.example'),
          developerTokenPath: developerTokenPath as string,
        }),
      ).toThrow(/`developerTokenPath`/);
    }
  });
});
