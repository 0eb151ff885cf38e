// The pages core shows people (the bridge page in both modes, the failure
// pages) against axe-core's WCAG 2.1 AA rules, light and dark, desktop and
// phone width.
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { violationsInEveryLook } from '../../../../testing/accessibility.js';
import { describeWithChromium, launchChromium } from '../../../../testing/chromium.js';
import { type AppleMusicAuth, createAppleMusicAuth } from '../../src/index.js';
import { toNodeListener } from '../../src/node/index.js';

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

describeWithChromium('the pages core shows people, under axe-core (WCAG 2.1 AA)', () => {
  let browser: Browser;
  let server: Server;
  let origin: string;
  let auth: AppleMusicAuth;

  beforeAll(async () => {
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    auth = createAppleMusicAuth({
      teamId: 'TEAM123456',
      keyId: 'KEY1234567',
      privateKey,
      callbackURL: `${origin}/auth/apple-music/callback`,
      state: { secret: 'a-state-secret-that-is-long-enough-for-hmac' },
      app: { name: 'Accessible App' },
      // MusicKit mode loads nothing here: the page must be accessible while it waits.
      endpoints: { musicKitScript: `${origin}/no-musickit.js` },
    });
    server.on(
      'request',
      toNodeListener((request) => {
        const { pathname, searchParams } = new URL(request.url);
        if (pathname === '/musickit') {
          return auth
            .loginStep({ method: 'GET', url: request.url, headers: {}, ui: 'musickit' })
            .then(
              (reply) => new Response(reply.body, { status: reply.status, headers: reply.headers }),
            );
        }
        if (searchParams.has('error') || pathname === '/auth/apple-music') {
          return auth.handleLogin(request);
        }
        return new Response('', { status: 404 });
      }),
    );
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await auth?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  it.each([
    ['the bridge page (popup mode)', '/auth/apple-music'],
    ['the bridge page (musickit mode, loading)', '/musickit'],
    ['the declined page', '/auth/apple-music?error=ERR_ACCESS_DENIED&returnTo=%2Flibrary'],
    ['the expired-state page', '/auth/apple-music?error=ERR_STATE_EXPIRED'],
    ['the replayed-state page', '/auth/apple-music?error=ERR_STATE_REPLAYED'],
    ['the upstream failure page', '/auth/apple-music?error=ERR_UPSTREAM'],
    ['the invalid-returnTo page', '/auth/apple-music?returnTo=https%3A%2F%2Fevil.example'],
  ])('%s has no violations in any look', async (_name, path) => {
    const found = await violationsInEveryLook(browser, `${origin}${path}`);
    expect(Object.keys(found)).toHaveLength(4);
    expect(found).toEqual({
      'light desktop': [],
      'dark desktop': [],
      'light phone': [],
      'dark phone': [],
    });
  });

  it('finds a violation when there is one (the check is live)', async () => {
    const found = await violationsInEveryLook(browser, `${origin}/auth/apple-music`, (page) =>
      page.evaluate(() => {
        document.querySelector('h1')?.setAttribute('style', 'color:#aaa;background:#fff');
      }),
    );
    expect(found['light desktop']?.map((violation) => violation.id)).toContain('color-contrast');
  });
});
