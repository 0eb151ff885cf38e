// Shared by the examples' Chromium tests: what comes after the login, on
// an example with a guarded "Recently played" page at /recent and a MusicKit
// page at /musickit (examples/shared/musickit.js).
import type { Browser, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { violationsInEveryLook } from './accessibility.js';

const CONTINUE = { name: 'Continue with Apple Music' } as const;

/** Clicks "Continue with Apple Music" on the bridge page and waits for the sandbox's popup. */
async function continueWithApple(page: Page): Promise<void> {
  const popup = page.waitForEvent('popup');
  await page.getByRole('button', CONTINUE).click();
  await popup;
}

/** A visitor without a login opens /recent, is sent to sign in, and lands on /recent. */
async function expectRecentSendsToLoginAndBack(page: Page, exampleURL: string) {
  const response = await page.goto(`${exampleURL}/recent`);
  expect(response?.url()).toBe(`${exampleURL}/auth/apple-music?returnTo=%2Frecent`);
  await continueWithApple(page);
  await page.waitForURL(`${exampleURL}/recent`);
  expect(await page.locator('#recent li').count()).toBeGreaterThan(0);
}

/**
 * Logs in, has the sandbox revoke the token, and opens /recent: Apple's 403
 * sends the user to sign in again, and the new login lands on /recent.
 */
async function expectRevokedTokenSignsInAgain(
  page: Page,
  exampleURL: string,
  sandbox: { revokeToken(token: string): boolean },
) {
  const posted: string[] = [];
  page.on('request', (request) => {
    if (!request.url().endsWith('/auth/apple-music/callback')) return;
    posted.push(new URLSearchParams(request.postData() ?? '').get('music_user_token') ?? '');
  });
  await page.goto(`${exampleURL}/auth/apple-music`);
  await continueWithApple(page);
  await page.waitForURL(`${exampleURL}/`);
  await page.goto(`${exampleURL}/recent`);
  expect(await page.locator('#recent li').count()).toBeGreaterThan(0);

  expect(sandbox.revokeToken(posted[0] ?? '')).toBe(true);
  await page.goto(`${exampleURL}/recent`);
  expect(page.url()).toBe(`${exampleURL}/auth/apple-music?returnTo=%2Frecent`);
  await continueWithApple(page);
  await page.waitForURL(`${exampleURL}/recent`);
  expect(await page.locator('#recent li').count()).toBeGreaterThan(0);
  expect(posted).toHaveLength(2);
  expect(posted[1]).not.toBe(posted[0]);
}

/** /musickit configures the sandbox's MusicKit stub with the developer-token route's token. */
async function expectMusicKitConfigured(page: Page, exampleURL: string) {
  const route = page.waitForResponse((response) =>
    response.url().endsWith('/auth/apple-music/developer-token'),
  );
  await page.goto(`${exampleURL}/musickit`);
  const answered = await route;
  expect(answered.status()).toBe(200);
  const { developerToken } = (await answered.json()) as { developerToken: string };
  await page.waitForFunction(() =>
    ['configured', 'failed'].includes(
      document.getElementById('musickit-status')?.dataset.state ?? '',
    ),
  );
  expect(await page.locator('#musickit-status').textContent()).toBe('MusicKit is configured.');
  const configured = await page.evaluate(
    () =>
      (
        window as unknown as { MusicKit: { getInstance(): { developerToken: string } } }
      ).MusicKit.getInstance().developerToken,
  );
  expect(configured).toBe(developerToken);
}

/** What the after-login tests run against: the suite's browser and page, the example and its sandbox. */
export interface AfterLoginTarget {
  browser: Browser;
  page: Page;
  exampleURL: string;
  sandbox: { revokeToken(token: string): boolean };
}

/**
 * Registers the after-login tests in the calling suite: the guard (no login,
 * and a revoked token, both back to /recent after signing in), the MusicKit
 * page, and axe-core on the home and MusicKit pages. `target` is read when
 * each test runs, after the suite's hooks.
 */
export function itHandlesWhatComesAfterTheLogin(target: () => AfterLoginTarget): void {
  it('sends a visitor without a login from "Recently played" to sign in, and back', async () => {
    const { page, exampleURL } = target();
    await expectRecentSendsToLoginAndBack(page, exampleURL);
  });

  it('sends the user to sign in again when Apple revokes the token, then back to the page', async () => {
    const { page, exampleURL, sandbox } = target();
    await expectRevokedTokenSignsInAgain(page, exampleURL, sandbox);
  });

  it('configures MusicKit in the page with the developer-token route', async () => {
    const { page, exampleURL } = target();
    await expectMusicKitConfigured(page, exampleURL);
  });

  it.each([
    ['the home page', '/'],
    ['the MusicKit page', '/musickit'],
  ])('%s passes axe-core (WCAG 2.1 AA) in every look', async (_name, path) => {
    const { browser, exampleURL } = target();
    const found = await violationsInEveryLook(browser, `${exampleURL}${path}`);
    expect(Object.values(found).flat()).toEqual([]);
  });
}
