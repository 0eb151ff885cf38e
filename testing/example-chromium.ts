// Shared by the examples' Chromium tests: one browser and one running
// example for the suite, a fresh context and page for each test, and the
// sandbox set back to "allow" and unrestricted before each.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { launchChromium } from './chromium.js';

/** What an example's `startExample` resolves with, as these tests use it. */
export interface RunningExample {
  url: string;
  sandbox?:
    | { setOutcome(outcome: 'allow'): void; setRestricted(restricted: boolean): void }
    | undefined;
  close(): Promise<void>;
}

/** The suite's browser and example, and the current test's context and page. */
export interface ExampleInChromium<T extends RunningExample> {
  browser: Browser;
  example: T;
  context: BrowserContext;
  page: Page;
}

/**
 * Registers the hooks in the calling `describe`: `start` runs once, and
 * `take` receives the suite's objects before all tests and again with each
 * test's fresh context and page.
 */
export function useExampleInChromium<T extends RunningExample>(
  start: () => Promise<T>,
  take: (suite: ExampleInChromium<T>) => void,
): void {
  const suite = {} as ExampleInChromium<T>;
  beforeAll(async () => {
    suite.browser = await launchChromium();
    suite.example = await start();
    take(suite);
  });
  afterAll(async () => {
    await suite.example?.close();
    await suite.browser?.close();
  });
  beforeEach(async () => {
    suite.example.sandbox?.setOutcome('allow');
    suite.example.sandbox?.setRestricted(false);
    suite.context = await suite.browser.newContext();
    suite.page = await suite.context.newPage();
    take(suite);
  });
  afterEach(async () => {
    await suite.context?.close();
  });
}

/**
 * What a new visitor does: opens the example's home page (not connected),
 * clicks "Connect Apple Music", then "Continue with Apple Music" on the
 * bridge page, and gets Apple's (the sandbox's) popup.
 */
export async function connectFromHome(page: Page, exampleURL: string): Promise<Page> {
  await page.goto(exampleURL);
  expect(await page.locator('#status').textContent()).toBe('Not connected.');
  await page.click('#connect');
  await page.waitForURL(/\/auth\/apple-music\?returnTo=/);
  const popup = page.waitForEvent('popup');
  await page.getByRole('button', { name: 'Continue with Apple Music' }).click();
  return popup;
}
