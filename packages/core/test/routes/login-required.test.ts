import { generateKeyPairSync } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createAppleMusicAuth } from '../../src/index.js';

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const auth = createAppleMusicAuth({
  teamId: 'TEAM123456',
  keyId: 'KEY1234567',
  privateKey,
  callbackURL: 'https://app.example/auth/apple-music/callback',
  state: { secret: 'a-state-secret-that-is-long-enough-for-hmac' },
});
afterAll(() => auth.close());

const HTML = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

describe('loginRequiredStep', () => {
  it('sends a page navigation to the login route, returning to where it was going', () => {
    const reply = auth.loginRequiredStep({
      method: 'GET',
      url: '/recent?tab=albums',
      headers: HTML,
    });
    expect(reply).toEqual({
      status: 303,
      headers: {
        location: '/auth/apple-music?returnTo=%2Frecent%3Ftab%3Dalbums',
        'cache-control': 'no-store',
      },
      setCookies: [],
      body: '',
    });
  });

  it('takes the path of an absolute request URL, never its host', () => {
    const reply = auth.loginRequiredStep({
      method: 'GET',
      url: 'https://app.example/recent',
      headers: HTML,
    });
    expect(reply.headers.location).toBe('/auth/apple-music?returnTo=%2Frecent');
  });

  it('answers an API call with 401 JSON naming the login route', () => {
    for (const request of [
      { method: 'GET', url: '/api/recent', headers: { accept: 'application/json' } },
      { method: 'POST', url: '/api/library', headers: HTML },
    ]) {
      const reply = auth.loginRequiredStep(request);
      expect(reply.status).toBe(401);
      expect(reply.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(JSON.parse(reply.body)).toEqual({
        error: 'login_required',
        login: `/auth/apple-music?returnTo=${encodeURIComponent(request.url)}`,
      });
    }
  });

  it('leaves out a returnTo that is not a same-site path', () => {
    const reply = auth.loginRequiredStep({
      method: 'GET',
      url: `/${'x'.repeat(3000)}`,
      headers: HTML,
    });
    expect(reply.headers.location).toBe('/auth/apple-music');
  });
});

describe('handleLoginRequired', () => {
  it('answers the same on web-standard objects', async () => {
    const page = auth.handleLoginRequired(
      new Request('https://app.example/recent', { headers: HTML }),
    );
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/auth/apple-music?returnTo=%2Frecent');
    const api = auth.handleLoginRequired(new Request('https://app.example/api/recent'));
    expect(api.status).toBe(401);
    expect(await api.json()).toEqual({
      error: 'login_required',
      login: '/auth/apple-music?returnTo=%2Fapi%2Frecent',
    });
  });
});
