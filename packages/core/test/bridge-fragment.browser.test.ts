// Results in the URL fragment (docs/protocol.md section 7) in headless Chromium:
// core's login and callback routes on loopback, the sandbox as Apple, and an
// attacker's site on another origin. A fragment logs in only as the answer
// to an attempt that this tab started, and only once.
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Sandbox, startSandbox } from '@apple-music-auth/sandbox';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { describeWithChromium, launchChromium } from '../../../testing/chromium.js';
import { type AppleMusicAuth, createAppleMusicAuth } from '../src/index.js';
import { toNodeListener } from '../src/node/index.js';

const TEAM_ID = 'TEAM123456';
const KEY_ID = 'KEY1234567';
const LOGIN_PATH = '/auth/apple-music';
const CALLBACK_PATH = '/auth/apple-music/callback';
const STATUS = '#apple-music-auth-status';
const BUTTON = '#apple-music-auth-continue';
const UI_MODES = ['popup', 'musickit'] as const;
type Ui = (typeof UI_MODES)[number];
/** Which window Apple redirects: the popup it was shown in, or the tab a web view loaded it in. */
type RedirectedWindow = 'popup window' | 'same tab';
const REDIRECTED_WINDOWS: readonly RedirectedWindow[] = ['popup window', 'same tab'];

interface Served {
  server: Server;
  origin: string;
}

async function serve(listener: RequestListener, host = '127.0.0.1'): Promise<Served> {
  const server = createServer(listener);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { server, origin: `http://${host}:${(server.address() as AddressInfo).port}` };
}

/** The hash Apple's page appends to `referrer`: base64 of JSON {itre, musicUserToken, cid}. */
function resultHash(musicUserToken: string): string {
  const json = JSON.stringify({ itre: '0', musicUserToken, cid: 'attacker-cid' });
  return `#${Buffer.from(json, 'utf8').toString('base64')}`;
}

describeWithChromium('results in the URL fragment, in Chromium against the sandbox', () => {
  let browser: Browser;
  let sandbox: Sandbox;
  let app: Served;
  let attacker: Served;
  let auths: Record<Ui, AppleMusicAuth>;
  let context: BrowserContext;
  let page: Page;

  let ui: Ui = 'popup';
  let attackLink = '';
  /** Every body posted to the callback. */
  const posts: Record<string, string>[] = [];
  /** The token of every callback that logged in. */
  const logins: string[] = [];
  /** The app's URLs that Chromium loaded with a result hash, as loaded. */
  const resultURLs: string[] = [];

  beforeAll(async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    sandbox = await startSandbox({ teamId: TEAM_ID, keyId: KEY_ID, publicKey });
    app = await serve(
      toNodeListener(async (request) => {
        const { pathname } = new URL(request.url);
        const auth = auths[ui];
        if (request.method === 'GET' && pathname === LOGIN_PATH) return auth.handleLogin(request);
        if (request.method === 'POST' && pathname === CALLBACK_PATH) {
          const form = await request.clone().formData();
          posts.push(Object.fromEntries([...form].map(([name, value]) => [name, String(value)])));
          return auth.handleCallback(request, {
            onSuccess({ musicUserToken, returnTo }) {
              logins.push(musicUserToken);
              return new Response(null, { status: 303, headers: { location: returnTo ?? '/' } });
            },
          });
        }
        if (request.method === 'GET' && pathname === '/') {
          return new Response('<!doctype html><title>Home</title><p>Home</p>', {
            headers: { 'content-type': 'text/html; charset=utf-8' },
          });
        }
        return new Response('Not Found', { status: 404 });
      }),
    );
    const makeAuth = (mode: Ui) =>
      createAppleMusicAuth({
        teamId: TEAM_ID,
        keyId: KEY_ID,
        privateKey,
        callbackURL: `${app.origin}${CALLBACK_PATH}`,
        stateSecret: 'a-state-secret-that-is-long-enough-for-hmac',
        app: { name: 'Fragment Test App' },
        ui: mode,
        endpoints: {
          authorize: sandbox.authorizeURL,
          api: sandbox.apiURL,
          musicKitScript: sandbox.musicKitScriptURL,
        },
      });
    auths = { popup: makeAuth('popup'), musickit: makeAuth('musickit') };
    // Another site: `localhost` is a different origin from the app's 127.0.0.1.
    attacker = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(
        `<!doctype html><title>Win a prize</title><script>location.href = ${JSON.stringify(attackLink)};</script>`,
      );
    }, 'localhost');
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    for (const served of [app, attacker]) {
      served?.server.closeAllConnections();
      await new Promise((done) => served?.server.close(done));
    }
    await Promise.all(Object.values(auths ?? {}).map((auth) => auth.close()));
    await sandbox?.close();
  });

  beforeEach(async () => {
    ui = 'popup';
    attackLink = '';
    for (const list of [posts, logins, resultURLs]) list.length = 0;
    sandbox.setOutcome('redirect');
    sandbox.setRestricted(false);
    context = await browser.newContext();
    await context.exposeBinding('__resultURL', (_source, url: string) => {
      resultURLs.push(url);
    });
    await context.addInitScript(`
      if (location.origin === ${JSON.stringify(app.origin)} && /^#[A-Za-z0-9+/]{200,}={0,2}$/.test(location.hash)) {
        window.__resultURL(location.href);
      }`);
    page = await context.newPage();
  });

  afterEach(async () => {
    await context.close();
  });

  /**
   * The posts that carry a token. When Apple redirects the popup window, the
   * bridge page it loads (COOP `same-origin-allow-popups`) severs it from the
   * opener, which then sees a closed popup and may post `error=cancelled`.
   */
  function tokenPosts(): Record<string, string>[] {
    return posts.filter((post) => post.music_user_token !== undefined);
  }

  /** The bridge page as it must be after ignoring a fragment: hash gone, button enabled, nothing said. */
  async function expectWaitingForClick(target: Page): Promise<void> {
    // Any of the app's pages: today's bridge went on to the home page.
    await target.waitForURL((url) => url.origin === app.origin);
    const seen = () =>
      target.evaluate(
        ([button, status]) => ({
          path: location.pathname,
          hash: location.hash,
          buttonEnabled: !(document.querySelector(button) as HTMLButtonElement | null)?.disabled,
          status: document.querySelector(status)?.textContent,
        }),
        [BUTTON, STATUS] as const,
      );
    await expect
      .poll(seen)
      .toEqual({ path: LOGIN_PATH, hash: '', buttonEnabled: true, status: '' });
  }

  /**
   * Clicks Continue with the sandbox in `redirect` and waits for the login
   * to land on the home page, in the window Apple redirected.
   */
  async function logInByRedirect(where: RedirectedWindow): Promise<Page> {
    await page.goto(`${app.origin}${LOGIN_PATH}?returnTo=%2F`);
    await expect.poll(() => page.isEnabled(BUTTON)).toBe(true);
    if (where === 'same tab') {
      // A web view that loads window.open's URL in place, without an opener.
      await page.evaluate(() => {
        window.open = (url) => {
          window.location.href = String(url);
          return window;
        };
      });
      await page.click(BUTTON);
      await page.waitForURL(`${app.origin}/`);
      return page;
    }
    const [popup] = await Promise.all([page.waitForEvent('popup'), page.click(BUTTON)]);
    await popup.waitForURL(`${app.origin}/`);
    return popup;
  }

  it.each(UI_MODES)(
    'ui %s: a link from another site with a token in the fragment logs nobody in',
    async (mode) => {
      ui = mode;
      const attackerToken = sandbox.issueToken();
      attackLink = `${app.origin}${LOGIN_PATH}?returnTo=%2F${resultHash(attackerToken)}`;
      await page.goto(`${attacker.origin}/`);
      await expectWaitingForClick(page);
      expect(resultURLs).toEqual([attackLink]);
      expect(posts).toEqual([]);

      // The victim then signs in as themselves: only their own token arrives.
      sandbox.setOutcome('allow');
      await page.click(BUTTON);
      await page.waitForURL(`${app.origin}/`);
      expect(posts.map((post) => post.music_user_token)).toEqual(logins);
      expect(logins).toHaveLength(1);
      expect(logins).not.toContain(attackerToken);
    },
  );

  for (const mode of UI_MODES) {
    it.each(REDIRECTED_WINDOWS)(
      `ui ${mode}: Apple's redirect back to the %s logs in once, and a replay of it is refused`,
      async (where) => {
        ui = mode;
        sandbox.setRestricted(true);
        const redirected = await logInByRedirect(where);
        expect(resultURLs).toHaveLength(1);
        expect(logins).toHaveLength(1);
        expect(tokenPosts()).toEqual([
          { state: expect.any(String), music_user_token: logins[0], restricted: '1' },
        ]);

        await redirected.goto(resultURLs[0] as string);
        await expectWaitingForClick(redirected);
        expect(tokenPosts()).toHaveLength(1);
        expect(logins).toHaveLength(1);
      },
    );
  }
});
