import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { itHandlesWhatComesAfterTheLogin } from '../../../testing/after-login-tests.js';
import { describeWithChromium } from '../../../testing/chromium.js';
import { connectFromHome, useExampleInChromium } from '../../../testing/example-chromium.js';
import { itIgnoresAForgedFragmentAfterBack } from '../../../testing/forged-fragment-tests.js';
import { startExample } from '../server.js';

type Example = Awaited<ReturnType<typeof startExample>>;

const CONTINUE = { name: 'Continue with Apple Music' } as const;

describeWithChromium('examples/koa in Chromium against the sandbox', () => {
  let browser: Browser;
  let example: Example;
  let context: BrowserContext;
  let page: Page;

  useExampleInChromium(
    () => startExample({ port: 0, env: {}, sandbox: { outcome: 'allow' } }),
    (suite) => {
      ({ browser, example, context, page } = suite);
    },
  );

  it('logs in through @koa/router and koa-session, then shows the recently played items', async () => {
    const popup = await connectFromHome(page, example.url);
    expect(new URL(popup.url()).origin).toBe(example.sandbox?.authorizeOrigin);
    await page.waitForURL(`${example.url}/`);
    expect(await page.locator('#storefront').textContent()).toBe('United States (us)');
    expect(await page.locator('#restricted').count()).toBe(0);
    await page.click('a[href="/recent"]');
    await page.waitForURL(`${example.url}/recent`);
    expect(await page.locator('#recent li').count()).toBeGreaterThan(0);
    await page.getByRole('link', { name: 'Home' }).click();
    const cookies = await context.cookies();
    expect(cookies.map((cookie) => cookie.name).sort()).toEqual(['koa.sess', 'koa.sess.sig']);

    await page.getByRole('button', { name: 'Disconnect' }).click();
    await page.waitForURL(`${example.url}/`);
    expect(await page.locator('#status').textContent()).toBe('Not connected.');
  });

  it('passes restricted accounts through', async () => {
    example.sandbox?.setRestricted(true);
    await page.goto(`${example.url}/auth/apple-music`);
    const popup = page.waitForEvent('popup');
    await page.getByRole('button', CONTINUE).click();
    await popup;
    await page.waitForURL(`${example.url}/`);
    expect(await page.locator('#restricted').textContent()).toBe('restricted');
  });

  it('ends a decline in the popup on the ERR_ACCESS_DENIED page, and Try again starts over', async () => {
    example.sandbox?.setOutcome('decline');
    await page.goto(`${example.url}/auth/apple-music`);
    const failurePage = page.waitForResponse((response) =>
      response.url().endsWith('/auth/apple-music?error=ERR_ACCESS_DENIED'),
    );
    await page.getByRole('button', CONTINUE).click();
    expect((await failurePage).status()).toBe(403);
    expect(await page.locator('body').textContent()).toContain('ERR_ACCESS_DENIED');
    await page.getByRole('link', { name: 'Try again' }).click();
    await page.waitForURL(`${example.url}/auth/apple-music`);
    expect(await page.getByRole('button', CONTINUE).isVisible()).toBe(true);
  });

  it('refuses a replayed callback: the session remembers the used state', async () => {
    await page.goto(`${example.url}/auth/apple-music`);
    const callback = page.waitForRequest((request) =>
      request.url().endsWith('/auth/apple-music/callback'),
    );
    await page.getByRole('button', CONTINUE).click();
    const body = (await callback).postData() ?? '';
    await page.waitForURL(`${example.url}/`);
    const replay = await page.request.post(`${example.url}/auth/apple-music/callback`, {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      data: body,
      maxRedirects: 0,
    });
    expect(replay.status()).toBe(303);
    expect(replay.headers().location).toBe('/auth/apple-music?error=ERR_STATE_REPLAYED');
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
});
