// The bridge page never waits in silence (issue 21): in Chromium against the
// sandbox, a page whose developer token's origin claim leaves it out says so
// at once with the options that fix it; a popup that refuses the token (and
// so never speaks) gets the same kind of message within seconds; and "Switch
// account" ends with a message that says so, ready for another try.
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Sandbox, startSandbox } from '@apple-music-auth/sandbox';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { describeWithChromium, launchChromium } from '../../../../testing/chromium.js';
import { POPUP_SILENCE_MS } from '../../src/browser/request-music-user-token.js';
import { type AppleMusicAuth, createAppleMusicAuth } from '../../src/index.js';
import { toNodeListener } from '../../src/node/index.js';

const teamId = 'TEAM123456';
const keyId = 'KEY1234567';
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const LOGIN = '/auth/apple-music';
const CALLBACK = '/auth/apple-music/callback';
const STATUS = '#apple-music-auth-status';
const BUTTON = '#apple-music-auth-continue';

interface App {
  origin: string;
  callbacks: string[];
  close(): Promise<void>;
}

/**
 * An app on node:http at 127.0.0.1. `callbackURL` is its own by default;
 * `key` is the key it signs with (the sandbox knows only `privateKey`'s).
 */
async function startApp(
  sandbox: Sandbox,
  options: { callbackOrigin?: string; key?: typeof privateKey } = {},
): Promise<App> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const callbacks: string[] = [];
  const auth: AppleMusicAuth = createAppleMusicAuth({
    teamId,
    keyId,
    privateKey: options.key ?? privateKey,
    callbackURL: `${options.callbackOrigin ?? origin}${CALLBACK}`,
    stateSecret: 'a-state-secret-that-is-long-enough-for-hmac',
    endpoints: { authorize: sandbox.authorizeURL, api: sandbox.apiURL },
  });
  const send = async (request: Request): Promise<Response> => {
    const { pathname } = new URL(request.url);
    if (pathname === LOGIN) return auth.handleLogin(request);
    if (pathname === CALLBACK) {
      callbacks.push(await request.clone().text());
      return auth.handleCallback(request);
    }
    return new Response('Not Found', { status: 404 });
  };
  server.on('request', toNodeListener(send));
  return {
    origin,
    callbacks,
    async close() {
      await auth.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describeWithChromium('the bridge page says what is wrong instead of waiting', () => {
  let browser: Browser;
  let context: BrowserContext;
  let sandbox: Sandbox;
  let page: Page;
  const apps: App[] = [];

  beforeAll(async () => {
    [browser, sandbox] = await Promise.all([
      launchChromium(),
      startSandbox({ teamId, keyId, publicKey, outcome: 'manual' }),
    ]);
    context = await browser.newContext();
  });
  afterEach(async () => {
    await Promise.all(context.pages().map((open) => open.close()));
    await Promise.all(apps.splice(0).map((app) => app.close()));
    sandbox.setOutcome('manual');
  });
  afterAll(async () => {
    await Promise.all([browser?.close(), sandbox?.close()]);
  });

  async function open(app: App): Promise<void> {
    apps.push(app);
    page = await context.newPage();
    await page.goto(`${app.origin}${LOGIN}`);
  }

  it('tells at once when the origin claim does not list the page, naming the options to set', async () => {
    // The README's callbackURL kept while the app runs on 127.0.0.1.
    const app = await startApp(sandbox, { callbackOrigin: 'https://app.example' });
    await open(app);
    await page.waitForSelector(`${STATUS}[data-status="origin_not_allowed"]`, { timeout: 5_000 });
    const text = (await page.textContent(STATUS)) ?? '';
    expect(text).toContain(app.origin);
    expect(text).toContain('https://app.example');
    expect(text).toContain('`callbackURL`');
    expect(text).toContain('`appOrigins`');
    expect(text).toContain('`developerToken.origins`');
    expect(text).not.toContain('Waiting');
    expect(await page.isDisabled(BUTTON)).toBe(true);
    expect(app.callbacks).toEqual([]);
  });

  it('says the popup may have refused when it stays silent; closing that popup ends as a cancel', async () => {
    // Signed with a key the sandbox does not know: its popup refuses the token and says nothing.
    const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const app = await startApp(sandbox, { key: stranger });
    await open(app);
    const [popup] = await Promise.all([page.waitForEvent('popup'), page.click(BUTTON)]);
    await popup.waitForLoadState();
    expect(await popup.textContent('#status')).toContain('Apple would refuse this developer token');
    expect(await page.getAttribute(STATUS, 'data-status')).toBe('waiting');
    await page.waitForSelector(`${STATUS}[data-status="popup_silent"]`, { timeout: 10_000 });
    const text = (await page.textContent(STATUS)) ?? '';
    expect(text).toContain('No answer from the Apple Music window');
    expect(text).toContain('`keyId`');
    expect(text).toContain('`developerToken.origins`');
    // Closing the refusing popup ends the attempt as a cancel, through the callback.
    await popup.close();
    await page.waitForURL(/error=ERR_CANCELLED/);
    expect(app.callbacks).toHaveLength(1);
    expect(app.callbacks[0]).toContain('error=cancelled');
  });

  it('keeps "Waiting" while a popup that answered waits for the user', async () => {
    const app = await startApp(sandbox);
    await open(app);
    const [popup] = await Promise.all([page.waitForEvent('popup'), page.click(BUTTON)]);
    await popup.waitForSelector('#allow:not([disabled])');
    // Past the silence window: the popup asked thirdPartyInfo, so nothing changes.
    await page.waitForTimeout(POPUP_SILENCE_MS + 500);
    expect(await page.getAttribute(STATUS, 'data-status')).toBe('waiting');
  });

  it('"Switch account" ends with its own message and lets the user start again', async () => {
    sandbox.setOutcome('switchUserId');
    const app = await startApp(sandbox);
    await open(app);
    await page.click(BUTTON);
    await page.waitForSelector(`${STATUS}[data-status="switched_account"]`, { timeout: 10_000 });
    const text = (await page.textContent(STATUS)) ?? '';
    expect(text).toContain('switch Apple Music accounts');
    expect(text).not.toContain('closed');
    expect(await page.isEnabled(BUTTON)).toBe(true);
    expect(app.callbacks).toEqual([]);
    // The same page, the same state: the next attempt logs in.
    sandbox.setOutcome('allow');
    await page.click(BUTTON);
    await page.waitForURL(`${app.origin}/`);
    expect(app.callbacks).toHaveLength(1);
    expect(app.callbacks[0]).toContain('music_user_token=');
  });
});
