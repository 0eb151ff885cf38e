// A popup that never answers (the sandbox's `hang` outcome) in Chromium: the
// popup stays open and silent after thirdPartyInfo, so only the bridge's own
// timeout ends the login. requestMusicUserToken is given a short timeoutMs;
// the bridge page keeps core's 5-minute default, which Chromium's clock skips.
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type Sandbox, startSandbox } from '@apple-music-auth/sandbox';
import { build } from 'esbuild';
import { SignJWT } from 'jose';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithChromium, launchChromium } from '../../../../testing/chromium.js';
import { DEFAULT_REQUEST_TIMEOUT_MS } from '../../src/browser/index.js';
import { type AppleMusicAuth, createAppleMusicAuth } from '../../src/index.js';
import { toNodeListener } from '../../src/node/index.js';

const teamId = 'TEAM123456';
const keyId = 'KEY1234567';
const TIMEOUT_MS = 4000;
/** Poll on a timer: requestAnimationFrame (the default) stalls in background tabs. */
const POLL = { polling: 50 };

/** What the test page puts on `window`. */
interface TestWindow {
  /** The JSON-RPC methods the popup sent, as this page saw them. */
  methods: string[];
  /** How requestMusicUserToken ended. */
  outcome?: { token?: string; code?: string; message?: string };
}

describeWithChromium('the sandbox’s hang outcome: the bridge’s timeout ends the login', () => {
  let browser: Browser;
  let sandbox: Sandbox;
  let server: Server;
  let auth: AppleMusicAuth;
  let origin: string;
  let developerToken: string;

  beforeAll(async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const bundled = await build({
      entryPoints: [
        fileURLToPath(new URL('../../src/browser/request-music-user-token.ts', import.meta.url)),
      ],
      bundle: true,
      format: 'esm',
      write: false,
      logLevel: 'warning',
    });
    const script = bundled.outputFiles[0]?.text ?? '';
    [browser, sandbox, developerToken] = await Promise.all([
      launchChromium(),
      startSandbox({ teamId, keyId, publicKey, outcome: 'hang' }),
      new SignJWT({})
        .setProtectedHeader({ alg: 'ES256', kid: keyId })
        .setIssuer(teamId)
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(privateKey),
    ]);
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    auth = createAppleMusicAuth({
      teamId,
      keyId,
      privateKey,
      callbackURL: `${origin}/callback`,
      stateSecret: 'a-state-secret-that-is-long-enough-for-hmac',
      endpoints: { authorize: sandbox.authorizeURL, api: sandbox.apiURL },
    });
    const config = JSON.stringify({
      developerToken,
      authorizeURL: sandbox.authorizeURL,
      authorizeOrigin: sandbox.authorizeOrigin,
      timeoutMs: TIMEOUT_MS,
    });
    const testPage = `<!doctype html><title>opener</title><button id="go">Connect</button>
<script type="module">
import { requestMusicUserToken } from '/request.js';
const options = ${config};
window.methods = [];
addEventListener('message', (event) => {
  if (event.origin === options.authorizeOrigin && typeof event.data?.method === 'string') {
    window.methods.push(event.data.method);
  }
});
document.getElementById('go').addEventListener('click', () => {
  requestMusicUserToken(options).then(
    ({ musicUserToken }) => { window.outcome = { token: musicUserToken }; },
    (error) => { window.outcome = { code: error.code, message: error.message }; },
  );
});
</script>`;
    server.on(
      'request',
      toNodeListener(async (request) => {
        const { pathname } = new URL(request.url);
        if (pathname === '/request.js') {
          return new Response(script, { headers: { 'content-type': 'text/javascript' } });
        }
        if (pathname === '/opener') {
          return new Response(testPage, { headers: { 'content-type': 'text/html' } });
        }
        if (request.method === 'POST') return auth.handleCallback(request);
        return auth.handleLogin(request);
      }),
    );
  });
  afterAll(async () => {
    await auth?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await Promise.all([browser?.close(), sandbox?.close()]);
  });

  /** Waits until the popup has had its thirdPartyInfo answered and says it will never answer. */
  async function waitForSilence(popup: Page): Promise<void> {
    await popup.waitForFunction(
      () => document.getElementById('status')?.textContent?.includes('never answer'),
      undefined,
      POLL,
    );
    expect(await popup.locator('#allow').isDisabled()).toBe(true);
  }

  it('requestMusicUserToken rejects with its timeout message while the popup stays open and silent', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${origin}/opener`);
      const [popup] = await Promise.all([page.waitForEvent('popup'), page.click('#go')]);
      await waitForSilence(popup);
      expect(popup.isClosed()).toBe(false);
      const outcome = await (
        await page.waitForFunction(() => (window as unknown as TestWindow).outcome, undefined, {
          ...POLL,
          timeout: TIMEOUT_MS + 10_000,
        })
      ).jsonValue();
      expect(outcome).toEqual({
        code: 'cancelled',
        message: `The Apple Music popup did not finish within ${TIMEOUT_MS} ms.`,
      });
      // Nothing but thirdPartyInfo ever came from the popup; the bridge closed it at the timeout.
      expect(await page.evaluate(() => (window as unknown as TestWindow).methods)).toEqual([
        'thirdPartyInfo',
      ]);
      await popup.waitForEvent('close', { timeout: 5000 }).catch(() => undefined);
      expect(popup.isClosed()).toBe(true);
    } finally {
      await page.context().close();
    }
  });

  it('the bridge page waits out its default timeout, then reports the login cancelled', async () => {
    const context = await browser.newContext();
    try {
      await context.clock.install();
      const page = await context.newPage();
      await page.goto(`${origin}/login`);
      const [popup] = await Promise.all([
        page.waitForEvent('popup'),
        page.click('#apple-music-auth-continue'),
      ]);
      await waitForSilence(popup);
      await context.clock.fastForward(DEFAULT_REQUEST_TIMEOUT_MS - 1000);
      expect(popup.isClosed()).toBe(false);
      expect(page.url()).toBe(`${origin}/login`);
      expect(await page.getAttribute('#apple-music-auth-status', 'data-status')).toBe('waiting');

      const [callback] = await Promise.all([
        page.waitForResponse(`${origin}/callback`),
        context.clock.fastForward(2000),
      ]);
      expect(callback.request().postData()).toMatch(/(^|&)error=cancelled(&|$)/);
      // Core's answer to a failed callback: 303 back to the login page, naming the code.
      expect(callback.status()).toBe(303);
      expect(callback.headers().location).toMatch(/[?&]error=ERR_CANCELLED$/);
      await page.waitForURL(/[?&]error=ERR_CANCELLED$/);
      expect(await page.content()).toContain('ERR_CANCELLED');
      expect(popup.isClosed()).toBe(true);
    } finally {
      await context.close();
    }
  });
});
