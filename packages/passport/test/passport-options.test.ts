import { type Sandbox, startSandbox } from '@apple-music-auth/sandbox';
import type { NextFunction, Request, Response } from 'express';
import session from 'express-session';
import express from 'express5';
import passport from 'passport';
import passport06 from 'passport06';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Strategy, type VerifyFunctionWithParams } from '../src/index.js';
import { listen, type RunningApp } from './support/express-app.js';
import { keyId, publicKey, sandboxOptions, stateSecret, teamId } from './support/fixtures.js';

let sandbox: Sandbox;
let app: RunningApp;

/** A browser's cookies for one origin, kept across requests. */
function cookieJar() {
  const cookies = new Map<string, string>();
  return {
    header: () => [...cookies].map(([name, value]) => `${name}=${value}`).join('; '),
    keep(response: Response | globalThis.Response) {
      for (const cookie of (response as globalThis.Response).headers.getSetCookie()) {
        const [pair = ''] = cookie.split(';');
        const name = pair.slice(0, pair.indexOf('='));
        if (/max-age=0/i.test(cookie)) cookies.delete(name);
        else cookies.set(name, pair.slice(pair.indexOf('=') + 1));
      }
    },
  };
}

/** Opens `path`'s login page, then posts `fields` plus its state to `callbackPath`. */
async function loginThrough(callbackPath: string, fields: Record<string, string>) {
  const jar = cookieJar();
  const get = async (path: string) => {
    const response = await fetch(`${app.origin}${path}`, {
      headers: { cookie: jar.header() },
      redirect: 'manual',
    });
    jar.keep(response);
    return response;
  };
  const page = await get('/login');
  const html = await page.text();
  const state = /"state":"([^"]+)"/.exec(html)?.[1] ?? '';
  const callback = await fetch(`${app.origin}${callbackPath}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.header() },
    body: new URLSearchParams({ state, ...fields }).toString(),
  });
  const setCookies = callback.headers.getSetCookie();
  jar.keep(callback);
  return { callback, setCookies, get };
}

beforeAll(async () => {
  sandbox = await startSandbox({ teamId, keyId, publicKey, outcome: 'allow' });
});
afterAll(() => sandbox?.close());

/** The app of these tests: a session, Passport with serializeUser, and routes using Passport's options. */
async function startApp(passportModule: typeof passport): Promise<RunningApp> {
  const server = express();
  server.use(session({ secret: stateSecret, resave: false, saveUninitialized: false }));
  const authenticator = new passportModule.Passport();
  const verify: VerifyFunctionWithParams = (_at, _rt, params, _profile, done) =>
    done(null, { storefront: params.storefront?.id });
  const strategy = new Strategy({ ...sandboxOptions(sandbox), callbackURL: '/auth' }, verify);
  authenticator.use(strategy);
  authenticator.serializeUser((user, done) => done(null, user));
  authenticator.deserializeUser((user: Express.User, done) => done(null, user));
  server.use(authenticator.initialize(), authenticator.session());
  server.get('/login', authenticator.authenticate('apple-music'));
  server.get('/remember', (req, res) => {
    (req.session as { returnTo?: string }).returnTo = '/library';
    res.end();
  });
  server.get('/me', (req, res) => {
    res.json({
      user: req.user ?? null,
      messages: (req.session as { messages?: string[] }).messages ?? [],
    });
  });
  server.post(
    '/auth',
    authenticator.authenticate('apple-music', {
      successRedirect: '/profile',
      failureRedirect: '/login-failed',
      failureMessage: true,
    }),
  );
  server.post(
    '/auth/return-to',
    authenticator.authenticate('apple-music', {
      successReturnToOrRedirect: '/profile',
      keepSessionInfo: true,
    }),
  );
  server.post(
    '/auth/with-error',
    authenticator.authenticate('apple-music', { failWithError: true }),
    (_req: Request, res: Response) => res.end(),
    (error: Error & { status?: number }, _req: Request, res: Response, _next: NextFunction) => {
      res.status(error.status ?? 500).send(error.name);
    },
  );
  return listen(server, strategy);
}

const passportVersions = {
  'Passport 0.7': passport,
  'Passport 0.6': passport06 as typeof passport,
};

describe.each(Object.entries(passportVersions))("%s's own options", (_version, passportModule) => {
  beforeAll(async () => {
    app = await startApp(passportModule);
  });
  afterAll(() => app?.close());

  it('successRedirect logs the user into the session', async () => {
    const { callback, get } = await loginThrough('/auth', {
      music_user_token: sandbox.issueToken(),
    });
    expect(callback.status).toBe(302);
    expect(callback.headers.get('location')).toBe('/profile');
    expect(await (await get('/me')).json()).toMatchObject({ user: { storefront: 'us' } });
  });

  it('failureRedirect and failureMessage keep the refusal in req.session.messages, and clear the state cookie', async () => {
    const { callback, setCookies, get } = await loginThrough('/auth', { error: 'access_denied' });
    expect(callback.status).toBe(302);
    expect(callback.headers.get('location')).toBe('/login-failed');
    expect(setCookies).toContainEqual(
      expect.stringMatching(/^apple_music_auth_state=;.*Max-Age=0/),
    );
    const me = (await (await get('/me')).json()) as { user: unknown; messages: string[] };
    expect(me.user).toBeNull();
    expect(me.messages).toHaveLength(1);
  });

  it('successReturnToOrRedirect goes back to req.session.returnTo', async () => {
    const jar = cookieJar();
    const remember = await fetch(`${app.origin}/remember`);
    jar.keep(remember);
    const page = await fetch(`${app.origin}/login`, { headers: { cookie: jar.header() } });
    jar.keep(page);
    const state = /"state":"([^"]+)"/.exec(await page.text())?.[1] ?? '';
    const callback = await fetch(`${app.origin}/auth/return-to`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.header() },
      body: new URLSearchParams({ state, music_user_token: sandbox.issueToken() }).toString(),
    });
    expect(callback.status).toBe(302);
    expect(callback.headers.get('location')).toBe('/library');
  });

  it('failWithError hands a 401 AuthenticationError to the error handler', async () => {
    const { callback } = await loginThrough('/auth/with-error', { error: 'cancelled' });
    expect(callback.status).toBe(401);
    expect(await callback.text()).toBe('AuthenticationError');
  });

  it('failWithError hands a state failure over with 403', async () => {
    const response = await fetch(`${app.origin}/auth/with-error`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'state=abc&music_user_token=x',
    });
    expect(response.status).toBe(403);
  });
});
