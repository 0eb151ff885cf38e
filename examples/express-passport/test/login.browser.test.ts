import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { violationsInEveryLook } from '../../../testing/accessibility.js';
import { itHandlesWhatComesAfterTheLogin } from '../../../testing/after-login-tests.js';
import { describeWithChromium } from '../../../testing/chromium.js';
import { connectFromHome, useExampleInChromium } from '../../../testing/example-chromium.js';
import { itIgnoresAForgedFragmentAfterBack } from '../../../testing/forged-fragment-tests.js';
import { startExample } from '../server.js';

type Example = Awaited<ReturnType<typeof startExample>>;

const CONTINUE = { name: 'Continue with Apple Music' } as const;

describeWithChromium('examples/express-passport in Chromium against the sandbox', () => {
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

  const connect = () => connectFromHome(page, example.url);

  it('logs in, lands on the home page as every example does, and keeps the user in the session', async () => {
    const popup = await connect();
    expect(new URL(popup.url()).origin).toBe(example.sandbox?.authorizeOrigin);
    await page.waitForURL(`${example.url}/`);
    expect(await page.locator('#storefront').textContent()).toBe('United States (us)');
    expect(await page.locator('h1').textContent()).toBe('Your Apple Music');

    await page.click('a[href="/recent"]');
    await page.waitForURL(`${example.url}/recent`);
    expect(await page.locator('#recent li').count()).toBeGreaterThan(0);

    // The session holds the login: a new visit to / shows the account again.
    await page.goto(example.url);
    expect(await page.locator('#storefront').textContent()).toBe('United States (us)');
    const cookies = await context.cookies();
    expect(cookies.map((cookie) => cookie.name)).toEqual(['connect.sid']);

    await page.getByRole('button', { name: 'Disconnect' }).click();
    await page.waitForURL(`${example.url}/`);
    expect(await page.locator('#status').textContent()).toBe('Not connected.');
  });

  it("ends a declined login on core's failure page: what happened, Try again, Back to the app, the code", async () => {
    example.sandbox?.setOutcome('decline');
    const callback = page.waitForResponse((response) =>
      response.url().endsWith('/auth/apple-music/callback'),
    );
    const failurePage = page.waitForResponse((response) =>
      response.url().endsWith('/auth/apple-music?error=ERR_ACCESS_DENIED'),
    );
    await connect();
    // A 303 to a GET page: no POST left in the history.
    expect((await callback).status()).toBe(303);
    expect((await failurePage).status()).toBe(403);
    expect(await page.locator('h1').textContent()).toBe('Apple Music access was declined');
    expect(await page.locator('.code code').textContent()).toBe('ERR_ACCESS_DENIED');
    expect(await page.getByRole('link', { name: 'Back to the app' }).getAttribute('href')).toBe(
      '/',
    );
    expect(await page.locator('body').textContent()).not.toMatch(/The user declined|They can/);
    await page.getByRole('link', { name: 'Try again' }).click();
    await page.waitForURL(`${example.url}/auth/apple-music`);
    expect(await page.getByRole('button', CONTINUE).isVisible()).toBe(true);
  });

  it("shows core's failure page for a callback with a bad state too", async () => {
    const response = await page.request.post(`${example.url}/auth/apple-music/callback`, {
      form: { state: 'not-a-state', error: 'cancelled' },
      maxRedirects: 0,
    });
    expect(response.status()).toBe(303);
    const location = response.headers().location ?? '';
    expect(location).toMatch(/^\/auth\/apple-music\?error=ERR_STATE_/);
    await page.goto(`${example.url}${location}`);
    expect(await page.locator('.code code').textContent()).toMatch(/^ERR_STATE_/);
    expect(await page.getByRole('link', { name: 'Back to the app' }).count()).toBe(1);
  });

  it('the failure page passes axe-core (WCAG 2.1 AA) in every look', async () => {
    const found = await violationsInEveryLook(
      browser,
      `${example.url}/auth/apple-music?error=ERR_ACCESS_DENIED`,
    );
    expect(Object.values(found).flat()).toEqual([]);
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
