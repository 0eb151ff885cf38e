// Login CSRF through a sibling subdomain (issue: "a sibling subdomain can
// plant the state cookie"): a page on evil.example.test sets the state cookie
// for the whole of example.test, then posts its own state and Music User
// Token to app.example.test's callback. Over https the state cookie is a
// __Host- cookie, which no sibling can set, so the victim is not logged in.
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Sandbox, startSandbox } from '@apple-music-auth/sandbox';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithChromium, launchChromium } from '../../../../testing/chromium.js';
import { type AppleMusicAuth, createAppleMusicAuth, type LoginResult } from '../../src/index.js';
import { toNodeListener } from '../../src/node/index.js';

const teamId = 'TEAM123456';
const keyId = 'KEY1234567';
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

/** A throwaway self-signed certificate for both names, made with openssl. */
function selfSignedCertificate(): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'apple-music-auth-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=app.example.test',
        '-addext',
        'subjectAltName=DNS:app.example.test,DNS:evil.example.test',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describeWithChromium('a state cookie planted by a sibling subdomain, over https', () => {
  let sandbox: Sandbox;
  let server: Server;
  let browser: Browser;
  let auth: AppleMusicAuth;
  let app: string;
  let evil: string;
  const logins: LoginResult[] = [];
  const failures: string[] = [];

  beforeAll(async () => {
    sandbox = await startSandbox({ teamId, keyId, publicKey, outcome: 'allow' });
    server = createServer(selfSignedCertificate());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    app = `https://app.example.test:${port}`;
    evil = `https://evil.example.test:${port}`;
    auth = createAppleMusicAuth({
      teamId,
      keyId,
      privateKey,
      callbackURL: `${app}/auth/apple-music/callback`,
      state: { secret: 'a-state-secret-that-is-long-enough-for-hmac' },
      endpoints: { authorize: sandbox.authorizeURL, api: sandbox.apiURL },
    });
    const appListener = toNodeListener(async (request) => {
      const { pathname } = new URL(request.url);
      if (pathname === '/auth/apple-music') return auth.handleLogin(request);
      if (pathname === '/auth/apple-music/callback') {
        return auth.handleCallback(request, {
          onSuccess: (result) => {
            logins.push(result);
            return new Response('logged in');
          },
          onError: (error) => {
            failures.push(error.code);
            return new Response(error.code, { status: error.status });
          },
        });
      }
      return new Response('app home');
    });
    server.on('request', (req, res) => {
      if (req.headers.host?.startsWith('app.example.test')) {
        appListener(req, res);
        return;
      }
      // The attacker's page: it plants its nonce for all of example.test, then posts.
      const url = new URL(req.url ?? '/', evil);
      const nonce = url.searchParams.get('nonce') ?? '';
      const fields = {
        state: url.searchParams.get('state') ?? '',
        music_user_token: url.searchParams.get('token') ?? '',
      };
      const inputs = Object.entries(fields)
        .map(([name, value]) => `<input type="hidden" name="${name}" value="${value}">`)
        .join('');
      res.setHeader('content-type', 'text/html');
      res.end(`<!doctype html><form method="post" action="${app}/auth/apple-music/callback">${inputs}</form>
<script>
document.cookie = '__Host-apple_music_auth_state=${nonce}; Domain=example.test; Path=/; Secure';
document.cookie = 'apple_music_auth_state=${nonce}; Domain=example.test; Path=/; Secure';
document.forms[0].submit();
</script>`);
    });
    browser = await launchChromium([
      '--host-resolver-rules=MAP app.example.test 127.0.0.1, MAP evil.example.test 127.0.0.1',
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await auth?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await sandbox?.close();
  });

  it('logs the victim in only with their own login, never with a cookie a sibling planted', async () => {
    // The attacker starts a login of their own and keeps its state and nonce.
    const attacker = await browser.newContext({ ignoreHTTPSErrors: true });
    const attackerPage = await attacker.newPage();
    await attackerPage.goto(`${app}/auth/apple-music`);
    const config = JSON.parse(
      (await attackerPage.locator('#apple-music-auth-config').textContent()) ?? '{}',
    ) as { state: string };
    const [stateCookie] = await attacker.cookies(app);
    expect(stateCookie).toMatchObject({
      name: '__Host-apple_music_auth_state',
      secure: true,
      path: '/',
    });
    await attacker.close();

    // The victim opens the attacker's page on the sibling subdomain.
    const victim = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await victim.newPage();
    const token = sandbox.issueToken();
    const query = new URLSearchParams({
      nonce: stateCookie?.value ?? '',
      state: config.state,
      token,
    });
    const callback = page.waitForResponse((response) => response.url().endsWith('/callback'));
    await page.goto(`${evil}/?${query}`);
    expect((await callback).status()).toBe(400);
    expect(logins).toEqual([]);
    expect(failures).toEqual(['ERR_STATE_MISSING']);
    // Only the unprefixed cookie was planted: the browser refused the __Host- one with a Domain.
    expect((await victim.cookies(app)).map((cookie) => cookie.name)).toEqual([
      'apple_music_auth_state',
    ]);

    // The same victim's own login over https still works through Apple's popup.
    await page.goto(`${app}/auth/apple-music`);
    const popup = page.waitForEvent('popup');
    const done = page.waitForResponse((response) => response.url().endsWith('/callback'));
    await page.getByRole('button', { name: 'Continue with Apple Music' }).click();
    await popup;
    expect((await done).status()).toBe(200);
    expect(logins).toHaveLength(1);
    expect(logins[0]?.musicUserToken).not.toBe(token);
    await victim.close();
  });
});
