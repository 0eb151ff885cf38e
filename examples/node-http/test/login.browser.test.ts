import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { itHandlesWhatComesAfterTheLogin } from '../../../testing/after-login-tests.js';
import { describeWithChromium } from '../../../testing/chromium.js';
import { connectFromHome, useExampleInChromium } from '../../../testing/example-chromium.js';
import { itIgnoresAForgedFragmentAfterBack } from '../../../testing/forged-fragment-tests.js';
import { startExample } from '../server.js';

type Example = Awaited<ReturnType<typeof startExample>>;

const CONTINUE = { name: 'Continue with Apple Music' } as const;
const STATUS = '#apple-music-auth-status';

describeWithChromium('examples/node-http in Chromium against the sandbox', () => {
  let browser: Browser;
  let example: Example;
  let page: Page;

  useExampleInChromium(
    () => startExample({ port: 0, env: {}, sandbox: { outcome: 'allow' } }),
    (suite) => {
      ({ browser, example, page } = suite);
    },
  );

  /** Opens the bridge page, clicks the button, and waits for Apple's popup. */
  async function continueWithApple(path = '/auth/apple-music') {
    await page.goto(`${example.url}${path}`);
    const popup = page.waitForEvent('popup');
    await page.getByRole('button', CONTINUE).click();
    return popup;
  }

  it('logs in: home, bridge page, Apple popup, callback, storefront from Apple', async () => {
    const popup = await connectFromHome(page, example.url);
    expect(new URL(popup.url()).origin).toBe(example.sandbox?.authorizeOrigin);
    await page.waitForURL(`${example.url}/`);
    expect(await page.locator('#storefront').textContent()).toBe('United States (us)');
    expect(await page.locator('#restricted').count()).toBe(0);

    await page.click('a[href="/recent"]');
    await page.waitForURL(`${example.url}/recent`);
    expect(await page.locator('#recent li').count()).toBeGreaterThan(0);
  });

  it('passes restricted accounts through', async () => {
    example.sandbox?.setRestricted(true);
    await continueWithApple();
    await page.waitForURL(`${example.url}/`);
    expect(await page.locator('#restricted').textContent()).toBe('restricted');
  });

  it('honours returnTo after the login', async () => {
    await continueWithApple('/auth/apple-music?returnTo=%2Frecent');
    await page.waitForURL(`${example.url}/recent`);
    expect(await page.locator('#recent li').count()).toBeGreaterThan(0);
  });

  it('refuses an off-site returnTo before any popup', async () => {
    const response = await page.goto(
      `${example.url}/auth/apple-music?returnTo=${encodeURIComponent('https://evil.example/')}`,
    );
    expect(response?.status()).toBe(400);
    expect(await page.locator('body').textContent()).toContain('ERR_INVALID_RETURN_TO');
  });

  for (const [outcome, status, code] of [
    ['decline', 403, 'ERR_ACCESS_DENIED'],
    ['unavailable', 403, 'ERR_UNAVAILABLE'],
    ['close', 400, 'ERR_CANCELLED'],
  ] as const) {
    it(`ends a "${outcome}" in the popup on the ${code} page`, async () => {
      example.sandbox?.setOutcome(outcome);
      const callback = page.waitForResponse((response) =>
        response.url().endsWith('/auth/apple-music/callback'),
      );
      const failurePage = page.waitForResponse((response) =>
        response.url().endsWith(`/auth/apple-music?error=${code}`),
      );
      await continueWithApple();
      expect((await callback).status()).toBe(303);
      expect((await failurePage).status()).toBe(status);
      await page.waitForURL(`${example.url}/auth/apple-music?error=${code}`);
      expect(await page.locator('body').textContent()).toContain(code);
      // The failure page is a GET: Reload shows it again, and Try again starts over.
      expect((await page.reload())?.status()).toBe(status);
      await page.getByRole('link', { name: 'Try again' }).click();
      await page.waitForURL(`${example.url}/auth/apple-music`);
      expect(await page.getByRole('button', CONTINUE).isVisible()).toBe(true);
    });
  }

  it('tells the user when the popup is blocked, and lets them click again', async () => {
    await page.addInitScript(() => {
      window.open = () => null;
    });
    await page.goto(`${example.url}/auth/apple-music`);
    await page.getByRole('button', CONTINUE).click();
    await page.waitForFunction(
      (selector) => document.querySelector(selector)?.textContent?.includes('blocked'),
      STATUS,
    );
    expect(await page.getByRole('button', CONTINUE).isEnabled()).toBe(true);
    expect(page.url()).toBe(`${example.url}/auth/apple-music`);
  });

  it('ignores messages from another window and from a foreign origin', async () => {
    const forger = await startForger();
    try {
      example.sandbox?.setOutcome('manual');
      const popup = await continueWithApple();
      await popup.waitForLoadState();
      // Another window (the bridge page itself) claims a token.
      await page.evaluate(() => {
        window.postMessage(
          { jsonrpc: '2.0', id: 99, method: 'authorize', params: ['forged-by-window', '0', 'x'] },
          '*',
        );
      });
      // The popup, navigated to a foreign origin, claims a token.
      await popup.goto(forger.url);
      await popup.waitForFunction(() => document.title === 'sent');
      const callback = page.waitForResponse((response) =>
        response.url().endsWith('/auth/apple-music/callback'),
      );
      await popup.close();
      expect((await callback).status()).toBe(303);
      await page.waitForURL(`${example.url}/auth/apple-music?error=ERR_CANCELLED`);
      expect(await page.locator('body').textContent()).toContain('ERR_CANCELLED');
    } finally {
      await forger.close();
    }
  });

  itIgnoresAForgedFragmentAfterBack(() => ({
    page,
    exampleURL: example.url,
    sandbox: example.sandbox as NonNullable<typeof example.sandbox>,
  }));

  itHandlesWhatComesAfterTheLogin(() => ({
    browser,
    page,
    exampleURL: example.url,
    sandbox: example.sandbox as NonNullable<typeof example.sandbox>,
  }));

  describeWithChromium('in musickit mode (the sandbox serves a MusicKit stub)', () => {
    let musicKitExample: Example;
    beforeAll(async () => {
      musicKitExample = await startExample({
        port: 0,
        env: {},
        sandbox: { outcome: 'allow' },
        auth: { ui: 'musickit' },
      });
    });
    afterAll(() => musicKitExample?.close());

    it('logs in through MusicKit.authorize()', async () => {
      await page.goto(`${musicKitExample.url}/auth/apple-music`);
      const popup = page.waitForEvent('popup');
      await page.getByRole('button', CONTINUE).click();
      await popup;
      await page.waitForURL(`${musicKitExample.url}/`);
      expect(await page.locator('#storefront').textContent()).toBe('United States (us)');
    });
  });
});

/** A page on another origin that posts a forged `authorize` to its opener. */
async function startForger(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((_req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(`<!doctype html><title>forger</title><script>
      window.opener.postMessage({ jsonrpc: '2.0', id: 1, method: 'authorize', params: ['forged-by-origin', '0', 'x'] }, '*');
      document.title = 'sent';
    </script>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
