// The emulator convention in Chromium: an app created with
// APPLE_MUSIC_SANDBOX_URL set and no endpoints logs a user in through the
// sandbox's popup, and its callback checks the token with the sandbox's API.
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Sandbox, startSandbox } from '@apple-music-auth/sandbox';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { describeWithChromium, launchChromium } from '../../../../testing/chromium.js';
import { type AppleMusicAuth, createAppleMusicAuth, type LoginResult } from '../../src/index.js';
import { toNodeListener } from '../../src/node/index.js';

const teamId = 'TEAM123456';
const keyId = 'KEY1234567';
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

describeWithChromium('APPLE_MUSIC_SANDBOX_URL in Chromium', () => {
  let sandbox: Sandbox;
  let server: Server;
  let browser: Browser;
  let auth: AppleMusicAuth;
  let app: string;
  const warnings: string[] = [];
  const logins: LoginResult[] = [];

  beforeAll(async () => {
    sandbox = await startSandbox({ teamId, keyId, publicKey, outcome: 'allow', storefront: 'jp' });
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    app = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const saved = process.env.APPLE_MUSIC_SANDBOX_URL;
    const warn = vi.spyOn(console, 'warn').mockImplementation((line: string) => {
      warnings.push(line);
    });
    process.env.APPLE_MUSIC_SANDBOX_URL = sandbox.url;
    try {
      auth = createAppleMusicAuth({
        teamId,
        keyId,
        privateKey,
        callbackURL: `${app}/auth/apple-music/callback`,
        state: { secret: 'a-state-secret-that-is-long-enough-for-hmac' },
      });
    } finally {
      // Read once, at creation: the running app keeps the sandbox without it.
      if (saved === undefined) delete process.env.APPLE_MUSIC_SANDBOX_URL;
      else process.env.APPLE_MUSIC_SANDBOX_URL = saved;
      warn.mockRestore();
    }
    server.on(
      'request',
      toNodeListener(async (request) => {
        const { pathname } = new URL(request.url);
        if (pathname === '/auth/apple-music') return auth.handleLogin(request);
        return auth.handleCallback(request, {
          onSuccess: (result) => {
            logins.push(result);
            return new Response('logged in');
          },
        });
      }),
    );
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await auth?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await sandbox?.close();
  });

  it("logs in through the sandbox's popup, with the token checked by the sandbox's API", async () => {
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`the Apple Music sandbox at ${sandbox.url}`);

    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${app}/auth/apple-music`);
    const popup = page.waitForEvent('popup');
    const done = page.waitForResponse((response) => response.url().endsWith('/callback'));
    await page.getByRole('button', { name: 'Continue with Apple Music' }).click();
    expect(new URL((await popup).url()).origin).toBe(sandbox.authorizeOrigin);
    expect((await done).status()).toBe(200);
    expect(logins.map((login) => login.storefront?.id)).toEqual(['jp']);
    for (const line of warnings) expect(line).not.toContain(logins[0]?.musicUserToken);
    await context.close();
  });
});
