import { generateKeyPairSync } from 'node:crypto';
import { jwtVerify } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type AppleMusicAuth,
  type AppleMusicAuthOptions,
  createAppleMusicAuth,
} from '../../src/index.js';

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const APP = 'https://app.example';
const PARTNER = 'https://partner.example';
const ROUTE = `${APP}/auth/apple-music/developer-token`;

let clock = Date.UTC(2030, 0, 1);
const instances: AppleMusicAuth[] = [];
afterAll(() => Promise.all(instances.map((auth) => auth.close())));

function createAuth(extra: Partial<AppleMusicAuthOptions> = {}): AppleMusicAuth {
  const auth = createAppleMusicAuth({
    teamId: 'TEAM123456',
    keyId: 'KEY1234567',
    privateKey,
    callbackURL: `${APP}/auth/apple-music/callback`,
    state: { secret: 'a-state-secret-that-is-long-enough-for-hmac' },
    developerToken: { origins: [PARTNER] },
    now: () => clock,
    ...extra,
  });
  instances.push(auth);
  return auth;
}

function get(auth: AppleMusicAuth, headers: Record<string, string> = {}, method = 'GET') {
  return auth.handleDeveloperToken(new Request(ROUTE, { method, headers }));
}

describe('the developer-token route', () => {
  it("answers the browser's origin-bound token with its expiry, never the server's", async () => {
    const auth = createAuth();
    const response = await get(auth);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const { developerToken, expiresAt } = (await response.json()) as {
      developerToken: string;
      expiresAt: number;
    };
    const { payload } = await jwtVerify(developerToken, publicKey, {
      algorithms: ['ES256'],
      currentDate: new Date(clock),
    });
    expect(payload.origin).toEqual([APP, PARTNER]);
    expect(expiresAt).toBe((payload.exp ?? 0) * 1000);
    expect(developerToken).not.toBe(await auth.getDeveloperToken());
    const page = await auth.handleLogin(new Request(`${APP}/auth/apple-music`));
    expect(await page.text()).toContain(developerToken);
  });

  it('caches privately until the token is renewed, with an ETag that answers 304', async () => {
    const auth = createAuth();
    const first = await get(auth);
    const etag = first.headers.get('etag') ?? '';
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
    // A day-long token renewed when 10 % is left: 21.6 hours of max-age.
    expect(first.headers.get('cache-control')).toBe('private, max-age=77760');
    clock += 3_600_000;
    const again = await get(auth, { 'if-none-match': `W/"other", ${etag}` });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    expect(again.headers.get('cache-control')).toBe('private, max-age=74160');
    expect(await again.text()).toBe('');
    clock += 80_000_000;
    const renewed = await get(auth, { 'if-none-match': etag });
    expect(renewed.status).toBe(200);
    expect(renewed.headers.get('etag')).not.toBe(etag);
  });

  it('signs once however many requests arrive at once', async () => {
    const auth = createAuth();
    const responses = await Promise.all(Array.from({ length: 50 }, () => get(auth)));
    const tokens = new Set(
      await Promise.all(
        responses.map(async (r) => ((await r.json()) as { developerToken: string }).developerToken),
      ),
    );
    // ES256 signatures are randomized: one token means one signing.
    expect(tokens.size).toBe(1);
  });

  it('sends CORS headers to the app and its listed origins only', async () => {
    const auth = createAuth();
    for (const origin of [APP, PARTNER]) {
      const response = await get(auth, { origin });
      expect(response.headers.get('access-control-allow-origin')).toBe(origin);
      expect(response.headers.get('vary')).toBe('Origin');
    }
    const foreign = await get(auth, { origin: 'https://evil.example' });
    expect(foreign.status).toBe(200);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers a preflight from a listed origin, and gives a foreign one nothing', async () => {
    const auth = createAuth();
    const preflight = await get(
      auth,
      { origin: PARTNER, 'access-control-request-method': 'GET' },
      'OPTIONS',
    );
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(PARTNER);
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET, HEAD');
    expect(preflight.headers.get('access-control-allow-headers')).toBe('if-none-match');
    const foreign = await get(auth, { origin: 'https://evil.example' }, 'OPTIONS');
    expect(foreign.status).toBe(204);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    expect(foreign.headers.get('access-control-allow-methods')).toBeNull();
  });

  it('answers HEAD without a body and other methods with 405', async () => {
    const auth = createAuth();
    const head = await get(auth, {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers.get('etag')).not.toBeNull();
    expect(await head.text()).toBe('');
    const post = await get(auth, {}, 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
  });

  it('binds the token to the request origin with a path callbackURL, and refuses a bad Host', async () => {
    const auth = createAuth({
      callbackURL: '/auth/apple-music/callback',
      appOrigins: ['https://shop.example'],
      trustProxy: true,
    });
    const response = await auth.developerTokenStep({
      method: 'GET',
      url: '/auth/apple-music/developer-token',
      headers: {
        host: 'internal:8080',
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'shop.example',
      },
    });
    const { developerToken } = JSON.parse(response.body) as { developerToken: string };
    const { payload } = await jwtVerify(developerToken, publicKey, {
      currentDate: new Date(clock),
    });
    expect(payload.origin).toEqual(['https://shop.example', PARTNER]);
    const bad = await auth.developerTokenStep({
      method: 'GET',
      url: '/x',
      headers: { host: 'a b' },
    });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toMatchObject({ error: 'ERR_ORIGIN_NOT_ALLOWED' });
  });

  it('signs nothing for an origin that is not listed, however the request names it', async () => {
    const auth = createAuth({
      callbackURL: '/auth/apple-music/callback',
      appOrigins: ['https://shop.example'],
      trustProxy: true,
    });
    const spoofed = [
      { host: 'evil.example' },
      { host: 'shop.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' },
      { host: 'shop.example', 'x-forwarded-host': 'shop.example, evil.example' },
    ];
    for (const headers of spoofed) {
      const response = await auth.developerTokenStep({
        method: 'GET',
        url: '/auth/apple-music/developer-token',
        headers: { ...headers, origin: 'https://evil.example' },
        encrypted: true,
      });
      expect(response.status).toBe(400);
      const body = JSON.parse(response.body) as { error: string; message: string };
      expect(body).not.toHaveProperty('developerToken');
      expect(body.error).toBe('ERR_ORIGIN_NOT_ALLOWED');
      expect(body.message).toContain('https://evil.example');
      expect(body.message).toContain('`appOrigins`');
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
    }
  });
});
