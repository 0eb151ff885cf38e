// An app name beyond Latin-1 reaches the sandbox popup intact. The sandbox
// decodes `a` as Apple's page most likely does (atob, then JSON.parse), so
// only an ASCII `a` (non-ASCII escaped as \uXXXX) shows such a name right.
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Sandbox, startSandbox } from '@apple-music-auth/sandbox';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithChromium, launchChromium } from '../../../../testing/chromium.js';
import { type AppleMusicAuth, createAppleMusicAuth } from '../../src/index.js';
import { toNodeListener } from '../../src/node/index.js';

const teamId = 'TEAM123456';
const keyId = 'KEY1234567';
const APP_NAME = 'Café Ünïcødé 音楽';

describeWithChromium('a non-Latin app name on the sandbox popup', () => {
  let browser: Browser;
  let sandbox: Sandbox;
  let server: Server;
  let auth: AppleMusicAuth;
  let origin: string;

  beforeAll(async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    [browser, sandbox] = await Promise.all([
      launchChromium(),
      startSandbox({ teamId, keyId, publicKey, outcome: 'manual' }),
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
      app: { name: APP_NAME },
      endpoints: { authorize: sandbox.authorizeURL, api: sandbox.apiURL },
    });
    server.on(
      'request',
      toNodeListener((request) => auth.handleLogin(request)),
    );
  });
  afterAll(async () => {
    await auth?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await Promise.all([browser?.close(), sandbox?.close()]);
  });

  it('shows "Café Ünïcødé 音楽", from a and from the thirdPartyInfo reply', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${origin}/login`);
      const [popup] = await Promise.all([
        page.waitForEvent('popup'),
        page.click('#apple-music-auth-continue'),
      ]);
      // The page as served: the name decoded from a alone.
      const served = await (await fetch(popup.url())).text();
      expect(served).toContain(`<span id="app-name">${APP_NAME}</span>`);
      // The page in Chromium, once the opener has answered thirdPartyInfo.
      await popup.waitForSelector('#allow:not([disabled])');
      expect(await popup.textContent('#app-name')).toBe(APP_NAME);
    } finally {
      await page.context().close();
    }
  });
});
