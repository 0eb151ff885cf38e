// The whole login with `developerToken.origins` set, in Chromium against the
// sandbox, which enforces the origin claim as Apple does: the popup refuses a
// token that does not list the opener's origin, and the API refuses such a
// token from a request without a listed `Origin` (a server's). So the browser
// must get the origin-restricted token and the server its own, unrestricted one.
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type MessageShape, type Sandbox, startSandbox } from '@apple-music-auth/sandbox';
import { decodeJwt } from 'jose';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithChromium, launchChromium } from '../../../../testing/chromium.js';
import { type AppleMusicAuth, createAppleMusicAuth } from '../../src/index.js';
import { toNodeListener } from '../../src/node/index.js';

const teamId = 'TEAM123456';
const keyId = 'KEY1234567';
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const LOGIN = '/auth/apple-music';
const CALLBACK = '/auth/apple-music/callback';

/** What the callback saw: the login's outcome and the server's own call to Apple. */
interface Finished {
  restricted: boolean;
  storefront: string | undefined;
  recentlyPlayed: number;
}

interface App {
  origin: string;
  auth: AppleMusicAuth;
  finished: Finished[];
  close(): Promise<void>;
}

/** An app on node:http whose browser token may be used from its own origin only. */
async function startApp(sandbox: Sandbox, ui: 'popup' | 'musickit'): Promise<App> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const finished: Finished[] = [];
  const auth = createAppleMusicAuth({
    teamId,
    keyId,
    privateKey,
    callbackURL: `${origin}${CALLBACK}`,
    stateSecret: 'a-state-secret-that-is-long-enough-for-hmac',
    app: { name: 'Origin App' },
    developerToken: { origins: [origin] },
    ui,
    endpoints: {
      authorize: sandbox.authorizeURL,
      api: sandbox.apiURL,
      musicKitScript: sandbox.musicKitScriptURL,
    },
  });
  const send = async (request: Request): Promise<Response> => {
    const { pathname } = new URL(request.url);
    if (pathname === LOGIN) return auth.handleLogin(request);
    if (pathname === CALLBACK) {
      return auth.handleCallback(request, {
        onSuccess: async ({ musicUserToken, restricted, storefront }) => {
          const played = await auth.fetchAppleMusic<{ data: unknown[] }>('/v1/me/recent/played', {
            musicUserToken,
          });
          finished.push({
            restricted,
            storefront: storefront?.id,
            recentlyPlayed: played.data.length,
          });
          return new Response('Connected', { headers: { 'content-type': 'text/plain' } });
        },
      });
    }
    return new Response('Not Found', { status: 404 });
  };
  server.on('request', toNodeListener(send));
  return {
    origin,
    auth,
    finished,
    async close() {
      await auth.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The developer token the login page hands the browser. */
async function browserTokenOf(app: App): Promise<string> {
  const html = await (await fetch(`${app.origin}${LOGIN}`)).text();
  const match = /id="apple-music-auth-config"[^>]*>([^<]*)<\/script>/.exec(html);
  return (JSON.parse(match?.[1] ?? '{}') as { developerToken: string }).developerToken;
}

describeWithChromium('a developer token with an origin claim, end to end', () => {
  let browser: Browser;
  let context: BrowserContext;
  let sandbox: Sandbox;

  beforeAll(async () => {
    [browser, sandbox] = await Promise.all([
      launchChromium(),
      startSandbox({ teamId, keyId, publicKey, outcome: 'allow', restricted: true }),
    ]);
    context = await browser.newContext();
  });
  afterAll(async () => {
    await Promise.all([browser?.close(), sandbox?.close()]);
  });

  /** Opens the login page, clicks Continue and waits for the callback's answer. */
  async function logIn(app: App): Promise<void> {
    const page = await context.newPage();
    try {
      await page.goto(`${app.origin}${LOGIN}`);
      await page.click('#apple-music-auth-continue:not([disabled])');
      await page.waitForURL(`${app.origin}${CALLBACK}`);
      expect(await page.textContent('body')).toBe('Connected');
    } finally {
      await page.close();
    }
  }

  it('gives the browser the origin-restricted token, and the server its own without the claim', async () => {
    const app = await startApp(sandbox, 'popup');
    try {
      const browserToken = await browserTokenOf(app);
      const serverToken = await app.auth.getDeveloperToken();
      expect(decodeJwt(browserToken).origin).toEqual([app.origin]);
      expect(decodeJwt(serverToken).origin).toBeUndefined();

      // Apple honours the browser's token only from its origin: a server gets 401.
      const userToken = sandbox.issueToken();
      const storefront = (token: string, headers: Record<string, string> = {}) =>
        fetch(`${sandbox.apiURL}/v1/me/storefront`, {
          headers: { authorization: `Bearer ${token}`, 'music-user-token': userToken, ...headers },
        });
      expect((await storefront(browserToken)).status).toBe(401);
      expect((await storefront(browserToken, { origin: app.origin })).status).toBe(200);
      expect((await storefront(serverToken)).status).toBe(200);
      await expect(
        app.auth.fetchAppleMusic('/v1/me/storefront', { musicUserToken: userToken }),
      ).resolves.toMatchObject({ data: [{ id: 'us' }] });
    } finally {
      await app.close();
    }
  });

  it.each<MessageShape>(['apple', 'odd'])(
    'popup mode, %s message shapes: logs in and calls Apple from the server',
    async (shape) => {
      sandbox.setMessageShape(shape);
      const app = await startApp(sandbox, 'popup');
      try {
        await logIn(app);
        expect(app.finished).toEqual([{ restricted: true, storefront: 'us', recentlyPlayed: 3 }]);
      } finally {
        sandbox.setMessageShape('apple');
        await app.close();
      }
    },
  );

  it('musickit mode: logs in, with restricted reported by MusicKit, and calls Apple from the server', async () => {
    const app = await startApp(sandbox, 'musickit');
    try {
      await logIn(app);
      expect(app.finished).toEqual([{ restricted: true, storefront: 'us', recentlyPlayed: 3 }]);
    } finally {
      await app.close();
    }
  });
});
