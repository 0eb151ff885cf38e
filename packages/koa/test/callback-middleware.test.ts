import { HttpResponse, http } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';
import { AppleMusicAuthError, type LoginResult } from '../src/index.js';
import { clearingCookies, openLoginPage, postCallback } from './support/browser-steps.js';
import {
  type KoaTestApp,
  type KoaTestAppOptions,
  startKoaTestApp,
} from './support/koa-test-app.js';
import { useSandbox } from './support/sandbox-fixture.js';

const STATE_COOKIE = 'apple_music_auth_state';

const { sandbox, options: authOptions } = useSandbox();
let app: KoaTestApp | undefined;

afterEach(async () => {
  sandbox().resetHandlers();
  await app?.close();
  app = undefined;
});

async function start(options: Omit<KoaTestAppOptions, 'auth'>, throwErrors = false) {
  app = await startKoaTestApp({
    ...options,
    auth: (origin) => authOptions(origin, { throwErrors }),
  });
  return app;
}

/** Runs a login up to the callback: `fields` replace the token fields of a successful one. */
async function callback(target: KoaTestApp, query = '', fields?: Record<string, string>) {
  const { state, cookies } = await openLoginPage(`${target.origin}/auth/apple-music${query}`);
  const body = fields ?? { music_user_token: sandbox().issueToken(), restricted: '0' };
  return postCallback(`${target.origin}/auth/apple-music/callback`, { state, ...body }, cookies);
}

describe.each(['koa2', 'koa3'] as const)('callback() on %s', (koa) => {
  it('hands the LoginResult to the next middleware on ctx.state.appleMusic', async () => {
    let seen: LoginResult | undefined;
    const target = await start({
      koa,
      downstream: (ctx) => {
        seen = ctx.state.appleMusic;
        ctx.body = 'welcome';
      },
    });
    const response = await callback(target, '?returnTo=%2Flibrary');
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('welcome');
    expect(seen?.storefront?.id).toBe('us');
    expect(seen?.returnTo).toBe('/library');
    expect(clearingCookies(response)).toEqual([expect.stringContaining(`${STATE_COOKIE}=;`)]);
  });

  it('answers 303 to returnTo when nothing downstream answered, clearing the state cookie', async () => {
    const target = await start({ koa, downstream: () => undefined });
    const response = await callback(target, '?returnTo=%2Flibrary%3Ftab%3Drecent');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/library?tab=recent');
    expect(target.downstreamCalls).toBe(1);
    expect(clearingCookies(response)).toHaveLength(1);
  });

  it('answers 303 to / without a returnTo', async () => {
    const target = await start({ koa, downstream: () => undefined });
    const response = await callback(target);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/');
  });

  it("keeps the clearing cookie beside the downstream middleware's own answer", async () => {
    const target = await start({
      koa,
      downstream: (ctx) => {
        ctx.cookies.set('sid', 'abc', { signed: false });
        ctx.redirect('/profile');
      },
    });
    const response = await callback(target);
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/profile');
    expect(response.headers.getSetCookie()).toEqual(
      expect.arrayContaining([expect.stringMatching(/^sid=abc;/), clearingCookies(response)[0]]),
    );
  });

  it('never calls next() on a failure, and answers with the failure redirect', async () => {
    const target = await start({ koa });
    const response = await callback(target, '', { error: 'access_denied' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/auth/apple-music?error=ERR_ACCESS_DENIED');
    expect(clearingCookies(response)).toHaveLength(1);
    expect(target.downstreamCalls).toBe(0);
  });
});

describe.each(['koa2', 'koa3'] as const)('throwErrors on %s', (koa) => {
  /** An error middleware that records what it sees, then lets Koa's ctx.onerror answer. */
  function recordingErrorMiddleware(seen: unknown[]) {
    return async (_ctx: unknown, next: () => Promise<unknown>) => {
      try {
        await next();
      } catch (error) {
        seen.push(error);
        throw error;
      }
    };
  }

  it('throws the typed error to the error middleware; ctx.onerror keeps the clearing cookie', async () => {
    const seen: unknown[] = [];
    const target = await start({ koa, before: recordingErrorMiddleware(seen) }, true);
    const response = await callback(target, '', { error: 'access_denied' });
    expect(response.status).toBe(403);
    expect(clearingCookies(response)).toEqual([expect.stringContaining(`${STATE_COOKIE}=;`)]);
    const [error] = seen as AppleMusicAuthError[];
    expect(error).toBeInstanceOf(AppleMusicAuthError);
    expect(error?.code).toBe('ERR_ACCESS_DENIED');
    expect(error?.expose).toBe(true);
    expect(error?.headers['set-cookie']).toEqual(clearingCookies(response));
    expect(await response.text()).toBe(error?.message);
    expect(target.downstreamCalls).toBe(0);
  });

  it("hides a 5xx error's message behind Koa's status text, still clearing the cookie", async () => {
    sandbox().use(http.get('*/v1/me/storefront', () => new HttpResponse('oops', { status: 500 })));
    const seen: unknown[] = [];
    const target = await start({ koa, before: recordingErrorMiddleware(seen) }, true);
    const response = await callback(target);
    expect(response.status).toBe(502);
    expect(await response.text()).toBe('Bad Gateway');
    expect(clearingCookies(response)).toHaveLength(1);
    expect((seen[0] as AppleMusicAuthError).code).toBe('ERR_UPSTREAM');
  });

  it('lets an error middleware answer itself, with the clearing cookie already set', async () => {
    const target = await start(
      {
        koa,
        before: async (ctx, next) => {
          try {
            await next();
          } catch (error) {
            const { status, code } = error as AppleMusicAuthError;
            ctx.status = status;
            ctx.body = { code };
          }
        },
      },
      true,
    );
    const response = await callback(target, '', { error: 'cancelled' });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ code: 'ERR_CANCELLED' });
    expect(clearingCookies(response)).toHaveLength(1);
  });
});

describe('login() and middleware()', () => {
  it('answers HEAD on the login route without a body', async () => {
    const target = await start({ koa: 'koa3' });
    const response = await fetch(`${target.origin}/auth/apple-music`, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await response.text()).toBe('');
  });

  it('lets other requests through middleware() to the rest of the app', async () => {
    const target = await start({
      koa: 'koa3',
      mount: 'middleware',
      downstream: (ctx) => {
        ctx.body = `app: ${ctx.path}`;
      },
    });
    const response = await fetch(`${target.origin}/profile`);
    expect(await response.text()).toBe('app: /profile');
  });

  it('serves both routes on one path through middleware(): GET the page, POST the callback', async () => {
    let seen: LoginResult | undefined;
    const target = await startKoaTestApp({
      koa: 'koa3',
      mount: 'middleware',
      downstream: (ctx) => {
        seen = ctx.state.appleMusic;
      },
      auth: (origin) => authOptions(origin, { callbackURL: `${origin}/auth/apple-music` }),
    });
    app = target;
    const { state, cookies } = await openLoginPage(`${target.origin}/auth/apple-music`);
    const fields = { state, music_user_token: sandbox().issueToken(), restricted: '0' };
    const response = await postCallback(`${target.origin}/auth/apple-music`, fields, cookies);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/');
    expect(seen?.musicUserToken).toBe(fields.music_user_token);
  });

  it('answers 405 with Allow for a GET on the callback through middleware()', async () => {
    const target = await start({ koa: 'koa3', mount: 'middleware' });
    const response = await fetch(`${target.origin}/auth/apple-music/callback`);
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });

  it('says that koa-session must run first when session: true has no ctx.session', async () => {
    app = await startKoaTestApp({
      koa: 'koa3',
      auth: (origin) => authOptions(origin, { state: {}, session: true }),
    });
    const response = await fetch(`${app.origin}/auth/apple-music`);
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).toContain('ERR_INVALID_OPTIONS');
  });
});
