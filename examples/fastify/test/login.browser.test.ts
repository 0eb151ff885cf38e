import type { Browser, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { itHandlesWhatComesAfterTheLogin } from '../../../testing/after-login-tests.js';
import { describeWithChromium } from '../../../testing/chromium.js';
import { connectFromHome, useExampleInChromium } from '../../../testing/example-chromium.js';
import { itIgnoresAForgedFragmentAfterBack } from '../../../testing/forged-fragment-tests.js';
import { startExample } from '../server.js';

const CONTINUE = { name: 'Continue with Apple Music' } as const;

describeWithChromium('examples/fastify in Chromium against the sandbox', () => {
  let browser: Browser;
  let example: Awaited<ReturnType<typeof startExample>>;
  let page: Page;

  useExampleInChromium(
    () =>
      startExample({
        port: 0,
        env: { LOG_LEVEL: 'silent' },
        sandbox: { outcome: 'allow' },
      }),
    (suite) => {
      ({ browser, example, page } = suite);
    },
  );

  it('logs in: home, bridge page, Apple popup, callback, storefront, recently played', async () => {
    const popup = await connectFromHome(page, example.url);
    expect(new URL(popup.url()).origin).toBe(example.sandbox?.authorizeOrigin);
    await page.waitForURL(`${example.url}/`);
    expect(await page.locator('#storefront').textContent()).toBe('United States (us)');
    expect(await page.locator('#restricted').count()).toBe(0);

    await page.click('a[href="/recent"]');
    await page.waitForURL(`${example.url}/recent`);
    expect(await page.locator('#recent li').count()).toBeGreaterThan(0);

    await page.goto(example.url);
    await page.getByRole('button', { name: 'Disconnect' }).click();
    await page.waitForURL(`${example.url}/`);
    expect(await page.locator('#status').textContent()).toBe('Not connected.');
  });

  it('passes restricted accounts through and honours returnTo', async () => {
    example.sandbox?.setRestricted(true);
    await page.goto(`${example.url}/auth/apple-music?returnTo=%2Frecent`);
    await page.getByRole('button', CONTINUE).click();
    await page.waitForURL(`${example.url}/recent`);
    expect(await page.locator('#recent li').count()).toBeGreaterThan(0);
    await page.goto(example.url);
    expect(await page.locator('#restricted').textContent()).toBe('restricted');
  });

  it('ends a decline in the popup on the ERR_ACCESS_DENIED page, whose Try again starts over', async () => {
    example.sandbox?.setOutcome('decline');
    const failurePage = page.waitForResponse((response) =>
      response.url().endsWith('/auth/apple-music?error=ERR_ACCESS_DENIED'),
    );
    await page.goto(`${example.url}/auth/apple-music`);
    await page.getByRole('button', CONTINUE).click();
    expect((await failurePage).status()).toBe(403);
    expect(await page.locator('body').textContent()).toContain('ERR_ACCESS_DENIED');
    await page.getByRole('link', { name: 'Try again' }).click();
    await page.waitForURL(`${example.url}/auth/apple-music`);
    expect(await page.getByRole('button', CONTINUE).isVisible()).toBe(true);
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
