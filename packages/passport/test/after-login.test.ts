// After the login, through Express: the developer-token route for MusicKit in
// the page, and the guard that sends users back to sign in.

import { AppleMusicAuthError } from '@apple-music-auth/core';
import { type Sandbox, startSandbox } from '@apple-music-auth/sandbox';
import type { Request, Response } from 'express';
import { jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Strategy } from '../src/index.js';
import { expressVersions, listen } from './support/express-app.js';
import { keyId, publicKey, sandboxOptions, teamId } from './support/fixtures.js';

let sandbox: Sandbox;
let origin: string;
let close: () => Promise<void>;
let strategy: Strategy;
/** The app's own storage of logins, by a header the test sets (a session stand-in). */
const logins = new Map<string, string>();
const cleared: string[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ teamId, keyId, publicKey, outcome: 'allow' });
  strategy = new Strategy(sandboxOptions(sandbox), (_at, _rt, _profile, done) => done(null, {}));
  const app = expressVersions['Express 5']();
  const guard = strategy.requireLogin({
    read: (req) => logins.get(String(req.headers['x-user'])),
    clear: (req) => {
      cleared.push(String(req.headers['x-user']));
      logins.delete(String(req.headers['x-user']));
    },
  });
  app.get('/auth/apple-music/developer-token', strategy.developerToken());
  app.get(
    '/recent',
    guard.require,
    async (_req: Request, res: Response) => {
      const played = await strategy.auth.fetchAppleMusic('/v1/me/recent/played', {
        musicUserToken: res.locals.musicUserToken,
      });
      res.json(played);
    },
    guard.rejected,
  );
  app.get(
    '/broken',
    guard.require,
    (req: Request) => {
      const kind = req.headers['x-error'];
      if (kind === 'typed') throw new AppleMusicAuthError('ERR_UPSTREAM', 'Apple answered 500.');
      if (kind === 'lookalike') {
        throw Object.assign(new Error('not ours'), { code: 'ERR_USER_TOKEN_REJECTED' });
      }
      throw new Error('a bug in the route');
    },
    guard.rejected,
    (error: Error, _req: Request, res: Response, _next: () => void) => {
      res.status(599).send(error.message);
    },
  );
  ({ origin, close } = await listen(app, strategy));
});
afterAll(async () => {
  await close();
  await sandbox.close();
});

describe('strategy.developerToken()', () => {
  it("answers the browser's origin-bound token, cached with an ETag, CORS for the app only", async () => {
    const first = await fetch(`${origin}/auth/apple-music/developer-token`, {
      headers: { origin },
    });
    const { developerToken } = (await first.json()) as { developerToken: string };
    const { payload } = await jwtVerify(developerToken, publicKey, { algorithms: ['ES256'] });
    expect(payload.origin).toEqual([origin]);
    expect(first.headers.get('access-control-allow-origin')).toBe(origin);
    expect(first.headers.get('cache-control')).toMatch(/^private, max-age=\d+$/);
    const again = await fetch(`${origin}/auth/apple-music/developer-token`, {
      headers: { 'if-none-match': first.headers.get('etag') ?? '', origin: 'https://evil.example' },
    });
    expect(again.status).toBe(304);
    expect(again.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('strategy.requireLogin()', () => {
  it('sends a page navigation without a login to sign in, returning to the page', async () => {
    const response = await fetch(`${origin}/recent?tab=1`, {
      headers: { accept: 'text/html', 'x-user': 'nobody' },
      redirect: 'manual',
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/auth/apple-music?returnTo=%2Frecent%3Ftab%3D1');
  });

  it('answers an API call without a login with 401 naming the login route', async () => {
    const response = await fetch(`${origin}/recent`, { headers: { accept: 'application/json' } });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      error: 'login_required',
      login: '/auth/apple-music?returnTo=%2Frecent',
    });
  });

  it('lets a stored token through, and after Apple revokes it clears it and sends to sign in', async () => {
    const token = sandbox.issueToken();
    logins.set('ada', token);
    const ok = await fetch(`${origin}/recent`, { headers: { 'x-user': 'ada' } });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { data: unknown[] }).data.length).toBeGreaterThan(0);
    sandbox.revokeToken(token);
    const revoked = await fetch(`${origin}/recent`, {
      headers: { accept: 'text/html', 'x-user': 'ada' },
      redirect: 'manual',
    });
    expect(revoked.status).toBe(303);
    expect(revoked.headers.get('location')).toBe('/auth/apple-music?returnTo=%2Frecent');
    expect(cleared).toEqual(['ada']);
    expect(logins.has('ada')).toBe(false);
  });

  it('sends to sign in when the stored token is empty', async () => {
    logins.set('blank', '');
    const response = await fetch(`${origin}/recent`, {
      headers: { accept: 'text/html', 'x-user': 'blank' },
      redirect: 'manual',
    });
    expect(response.status).toBe(303);
  });

  it("passes any error but Apple's refusal of the token on to the app's error handler", async () => {
    logins.set('grace', sandbox.issueToken());
    for (const kind of ['plain', 'typed', 'lookalike']) {
      const response = await fetch(`${origin}/broken`, {
        headers: { 'x-user': 'grace', 'x-error': kind },
        redirect: 'manual',
      });
      expect(response.status).toBe(599);
    }
    expect(logins.has('grace')).toBe(true);
  });
});
