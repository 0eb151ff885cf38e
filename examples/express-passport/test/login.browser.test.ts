import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { violationsInEveryLook } from '../../../testing/accessibility.js';
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

  it('logs in, keeps the user in the session, and lists recently played items from Apple', async () => {
    const popup = await connect();
    expect(new URL(popup.url()).origin).toBe(example.sandbox?.authorizeOrigin);
    await page.waitForURL(`${example.url}/profile`);
    expect(await page.locator('#storefront').textContent()).toBe('United States (us)');
    expect(await page.locator('#recent li').count()).toBeGreaterThan(0);

    // The session holds the login: a new visit to / goes straight to the profile.
    await page.goto(example.url);
    await page.waitForURL(`${example.url}/profile`);
    const cookies = await context.cookies();
    expect(cookies.map((cookie) => cookie.name)).toEqual(['connect.sid']);

    await page.getByRole('button', { name: 'Disconnect' }).click();
    await page.waitForURL(`${example.url}/`);
    expect(await page.locator('#status').textContent()).toBe('Not connected.');
  });

  it('lands a declined login on the failure redirect, with a way to try again', async () => {
    example.sandbox?.setOutcome('decline');
    const callback = page.waitForResponse((response) =>
      response.url().endsWith('/auth/apple-music/callback'),
    );
    await connect();
    expect((await callback).status()).toBe(302);
    await page.waitForURL(`${example.url}/login-failed`);
    expect(await page.locator('#failure').textContent()).toMatch(/declined|denied|allow/i);
    await page.getByRole('link', { name: 'Try again' }).click();
    await page.waitForURL(/\/auth\/apple-music\?returnTo=/);
    expect(await page.getByRole('button', CONTINUE).isVisible()).toBe(true);
  });

  it('sends the user back to login when Apple rejects the stored Music User Token', async () => {
    const callback = page.waitForRequest((request) =>
      request.url().endsWith('/auth/apple-music/callback'),
    );
    await connect();
    const token = new URLSearchParams((await callback).postData() ?? '').get('music_user_token');
    await page.waitForURL(`${example.url}/profile`);
    expect(example.sandbox?.revokeToken(token ?? '')).toBe(true);
    await page.reload();
    await page.waitForURL(`${example.url}/auth/apple-music?returnTo=%2Fprofile`);
    const popup = page.waitForEvent('popup');
    await page.getByRole('button', CONTINUE).click();
    await popup;
    await page.waitForURL(`${example.url}/profile`);
    expect(await page.locator('#recent li').count()).toBeGreaterThan(0);
  });

  it('sends a visitor without a login from the profile to sign in, and back', async () => {
    const response = await page.goto(`${example.url}/profile`);
    expect(response?.url()).toBe(`${example.url}/auth/apple-music?returnTo=%2Fprofile`);
  });

  it('configures MusicKit in the page with the developer-token route', async () => {
    await page.goto(`${example.url}/musickit`);
    await page.waitForFunction(() =>
      ['configured', 'failed'].includes(
        document.getElementById('musickit-status')?.dataset.state ?? '',
      ),
    );
    expect(await page.locator('#musickit-status').textContent()).toBe('MusicKit is configured.');
  });

  it.each([
    ['the home page', '/'],
    ['the MusicKit page', '/musickit'],
    ['the failure page', '/login-failed'],
  ])('%s passes axe-core (WCAG 2.1 AA) in every look', async (_name, path) => {
    const found = await violationsInEveryLook(browser, `${example.url}${path}`);
    expect(Object.values(found).flat()).toEqual([]);
  });

  itIgnoresAForgedFragmentAfterBack(() => ({
    page,
    exampleURL: example.url,
    sandbox: example.sandbox as NonNullable<typeof example.sandbox>,
  }));
});
