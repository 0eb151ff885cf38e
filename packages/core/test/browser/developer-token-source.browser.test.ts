// createDeveloperTokenSource in Chromium, against core's developer-token
// route on loopback: concurrent callers share one request, and a token close
// to its expiry is fetched again.
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { describeWithChromium, launchChromium } from '../../../../testing/chromium.js';
import { createAppleMusicAuth } from '../../src/index.js';
import { toNodeListener } from '../../src/node/index.js';

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

/** What the test page puts on `window`. */
interface SPA {
  createDeveloperTokenSource(options: { url: string; refreshBeforeMs?: number }): {
    getToken(): Promise<string>;
  };
  source: { getToken(): Promise<string> };
}

describeWithChromium('createDeveloperTokenSource in Chromium', () => {
  let browser: Browser;
  let server: Server;
  let origin: string;
  let page: Page;
  let script: string;
  let tokenRequests = 0;
  /** What the scripted route answers next: a token and its lifetime from now. */
  let scripted: { token: string; lifetimeMs: number } = { token: 'first', lifetimeMs: 3_600_000 };

  beforeAll(async () => {
    const bundled = await build({
      entryPoints: [
        fileURLToPath(new URL('../../src/browser/developer-token-source.ts', import.meta.url)),
      ],
      bundle: true,
      format: 'esm',
      write: false,
      logLevel: 'warning',
    });
    script = bundled.outputFiles[0]?.text ?? '';
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const auth = createAppleMusicAuth({
      teamId: 'TEAM123456',
      keyId: 'KEY1234567',
      privateKey,
      callbackURL: `${origin}/auth/apple-music/callback`,
      state: { secret: 'a-state-secret-that-is-long-enough-for-hmac' },
    });
    const listener = toNodeListener(async (request) => {
      const { pathname } = new URL(request.url);
      if (pathname === '/source.js') {
        return new Response(script, { headers: { 'content-type': 'text/javascript' } });
      }
      if (pathname === '/token') {
        tokenRequests += 1;
        return auth.handleDeveloperToken(request);
      }
      if (pathname === '/scripted-token') {
        tokenRequests += 1;
        const { token, lifetimeMs } = scripted;
        return Response.json({ developerToken: token, expiresAt: Date.now() + lifetimeMs });
      }
      const page = `<!doctype html><title>spa</title><script type="module">
import { createDeveloperTokenSource } from '/source.js';
window.createDeveloperTokenSource = createDeveloperTokenSource;
</script>`;
      return new Response(page, {
        headers: { 'content-type': 'text/html' },
      });
    });
    server.on('request', listener);
    server.on('close', () => void auth.close());
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });
  beforeEach(async () => {
    tokenRequests = 0;
    page = await (await browser.newContext()).newPage();
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => 'createDeveloperTokenSource' in window);
  });

  it('answers ten concurrent callers with one request to the route', async () => {
    const tokens = await page.evaluate(async () => {
      const source = (window as unknown as SPA).createDeveloperTokenSource({ url: '/token' });
      const first = await Promise.all(Array.from({ length: 10 }, () => source.getToken()));
      const later = await source.getToken();
      return [...first, later];
    });
    expect(new Set(tokens).size).toBe(1);
    expect(tokens[0]).toMatch(/^eyJ/);
    expect(tokenRequests).toBe(1);
  });

  it('fetches again once the token is within refreshBeforeMs of expiring', async () => {
    scripted = { token: 'short-lived', lifetimeMs: 60_000 };
    const first = await page.evaluate(async () => {
      const spa = window as unknown as SPA;
      spa.source = spa.createDeveloperTokenSource({
        url: '/scripted-token',
        refreshBeforeMs: 120_000,
      });
      return spa.source.getToken();
    });
    expect(first).toBe('short-lived');
    scripted = { token: 'fresh', lifetimeMs: 3_600_000 };
    const getToken = () => page.evaluate(() => (window as unknown as SPA).source.getToken());
    expect(await getToken()).toBe('fresh');
    expect(await getToken()).toBe('fresh');
    expect(tokenRequests).toBe(2);
  });
});
