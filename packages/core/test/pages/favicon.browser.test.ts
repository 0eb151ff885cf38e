// Every page core serves carries its icon inline (issue 21: a favicon 404 on
// every page): the bridge page and the failure page name a data: URL in
// <link rel="icon">, their CSP allows it, and Chromium asks the server for no
// /favicon.ico (a page without the link, served beside them, shows it would).
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithChromium, launchChromium } from '../../../../testing/chromium.js';
import { type AppleMusicAuth, createAppleMusicAuth } from '../../src/index.js';
import { toNodeListener } from '../../src/node/index.js';

const PAGES = {
  'the bridge page': '/auth/apple-music',
  'the failure page': '/auth/apple-music?error=ERR_ACCESS_DENIED',
} as const;

describeWithChromium('the inline favicon', () => {
  let browser: Browser;
  let server: Server;
  let auth: AppleMusicAuth;
  let origin = '';
  const requested: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    auth = createAppleMusicAuth({
      teamId: 'TEAM123456',
      keyId: 'KEY1234567',
      privateKey: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey,
      callbackURL: `${origin}/auth/apple-music/callback`,
      stateSecret: 'a-state-secret-that-is-long-enough-for-hmac',
    });
    server.on(
      'request',
      toNodeListener(async (request) => {
        const { pathname } = new URL(request.url);
        requested.push(pathname);
        if (pathname === '/auth/apple-music') return auth.handleLogin(request);
        if (pathname === '/no-icon') {
          return new Response('<!doctype html><title>No icon</title><p>No icon', {
            headers: { 'content-type': 'text/html; charset=utf-8' },
          });
        }
        return new Response('Not Found', { status: 404 });
      }),
    );
  });
  afterAll(async () => {
    await auth?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await browser?.close();
  });

  it.each(Object.entries(PAGES))(
    '%s names a data: icon that its CSP allows',
    async (_name, path) => {
      const response = await fetch(`${origin}${path}`);
      const html = await response.text();
      expect(html).toMatch(/<link rel="icon" href="data:image\/svg\+xml,%3Csvg[^"]+">/);
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toMatch(/(?:^|;\s*)img-src [^;]*\bdata:/);
    },
  );

  it('makes Chromium request no /favicon.ico for either page, unlike a page without the link', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const refused: string[] = [];
      page.on('console', (message) => {
        if (/Refused to load/i.test(message.text())) refused.push(message.text());
      });
      await page.goto(`${origin}/no-icon`);
      await expect.poll(() => requested.includes('/favicon.ico'), { timeout: 5_000 }).toBe(true);
      requested.length = 0;
      for (const path of Object.values(PAGES)) {
        await page.goto(`${origin}${path}`);
        await page.waitForLoadState('load');
      }
      // The control above shows Chromium asks within moments; give it as long again.
      await page.goto(`${origin}${PAGES['the bridge page']}`);
      await page.waitForTimeout(1_000);
      expect(requested).not.toContain('/favicon.ico');
      // The CSP let the icon through: Chromium reported no refused load.
      expect(refused).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
