// Results in the URL fragment (docs/protocol.md section 7) in headless Chromium:
// core's login and callback routes on loopback, the sandbox as Apple, and an
// attacker's site on another origin. A fragment logs in only on a page whose
// URL carries the id of an attempt that this tab started, and only once; when
// Apple redirects its own popup window, the tab that opened it finishes.
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Sandbox, startSandbox } from '@apple-music-auth/sandbox';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { describeWithChromium, launchChromium } from '../../../../testing/chromium.js';
import { type AppleMusicAuth, createAppleMusicAuth } from '../../src/index.js';
import { toNodeListener } from '../../src/node/index.js';

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
  const json = JSON.stringify({ itre: '0', musicUserToken, cid: 'c' });
  return `#${Buffer.from(json, 'utf8').toString('base64')}`;
}

/** Where a page that the victim reached in Apple's popup window sends the forged URL. */
type PopupNavigation = 'opener' | 'itself';
const POPUP_NAVIGATIONS: readonly PopupNavigation[] = ['opener', 'itself'];

/**
 * The attacker's pages: `/` forwards at once to `attackLink`; `/back` links to
 * the app's login and, when the victim comes back to it (Back), sends the tab
 * to `forgedURL`; `/in-popup?navigate=opener|itself`, reached in Apple's
 * popup window, sends its opener or itself to `forgedURL`.
 */
function attackerPage(path: string, attackLink: string, forgedURL: string): string {
  const url = new URL(path, 'http://attacker.invalid');
  const link = JSON.stringify(attackLink);
  const forged = JSON.stringify(forgedURL);
  switch (url.pathname) {
    case '/back':
      return `<!doctype html><title>Win a prize</title><a id="go" href=${link}>Claim it</a><script>
        document.getElementById('go').addEventListener('click', () => sessionStorage.setItem('left', '1'));
        addEventListener('pageshow', () => { if (sessionStorage.getItem('left')) location.href = ${forged}; });
      </script>`;
    case '/in-popup': {
      const target = url.searchParams.get('navigate') === 'opener' ? 'window.opener' : 'window';
      return `<!doctype html><title>Win a prize</title><script>${target}.location.href = ${forged};</script>`;
    }
    default:
      return `<!doctype html><title>Win a prize</title><script>location.href = ${link};</script>`;
  }
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
  let forgedURL = '';
  /** Every body posted to the callback. */
  const posts: Record<string, string>[] = [];
  /** The token of every callback that logged in. */
  const logins: string[] = [];
  /** The app's URLs that Chromium loaded with a result hash, as loaded. */
  const resultURLs: string[] = [];
  /** `location.hash` as MusicKit's script finished loading, on each of the app's pages. */
  const musicKitHashes: string[] = [];

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
    attacker = await serve((request, response) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(attackerPage(request.url ?? '/', attackLink, forgedURL));
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
    forgedURL = '';
    for (const list of [posts, logins, resultURLs, musicKitHashes]) list.length = 0;
    sandbox.setOutcome('redirect');
    sandbox.setRestricted(false);
    context = await browser.newContext();
    await context.exposeBinding('__resultURL', (_source, url: string) => {
      resultURLs.push(url);
    });
    await context.exposeBinding('__musicKitHash', (_source, hash: string) => {
      musicKitHashes.push(hash);
    });
    await context.addInitScript(`
      if (location.origin === ${JSON.stringify(app.origin)}) {
        if (/^#[A-Za-z0-9+/]{200,}={0,2}$/.test(location.hash)) window.__resultURL(location.href);
        document.addEventListener('musickitloaded', () => window.__musicKitHash(location.hash));
      }`);
    page = await context.newPage();
  });

  afterEach(async () => {
    await context.close();
  });

  /** The posts that carry a token. */
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
   * to land on the home page in this tab: Apple redirects the popup window
   * (whose bridge page hands the result over to this tab and closes) or,
   * in a web view, this very tab. Returns the window Apple redirected.
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
    await page.waitForURL(`${app.origin}/`);
    await expect.poll(() => popup.isClosed()).toBe(true);
    return page;
  }

  /** Opens the bridge page in `mode` and clicks Continue; Apple's popup waits for the user. */
  async function startAttempt(mode: Ui): Promise<Page> {
    ui = mode;
    sandbox.setOutcome('manual');
    await page.goto(`${app.origin}${LOGIN_PATH}?returnTo=%2F`);
    await expect.poll(() => page.isEnabled(BUTTON)).toBe(true);
    const [popup] = await Promise.all([page.waitForEvent('popup'), page.click(BUTTON)]);
    await popup.waitForLoadState();
    return popup;
  }

  /** A forged result for the attacker's own account, at `<login route>?r=1#…`. */
  function forgeResult(): string {
    const attackerToken = sandbox.issueToken();
    forgedURL = `${app.origin}${LOGIN_PATH}?r=1${resultHash(attackerToken)}`;
    return attackerToken;
  }

  it.each(UI_MODES)(
    'ui %s: Back to the attacker’s page, which sends the tab to a forged fragment, logs nobody in',
    async (mode) => {
      ui = mode;
      const attackerToken = forgeResult();
      attackLink = `${app.origin}${LOGIN_PATH}?returnTo=%2F`;
      await page.goto(`${attacker.origin}/back`);
      await Promise.all([page.waitForURL(attackLink), page.click('#go')]);
      await startAttempt(mode);
      await page.goBack();
      await expectWaitingForClick(page);
      expect(resultURLs).toEqual([forgedURL]);
      expect(tokenPosts()).toEqual([]);
      expect(logins).not.toContain(attackerToken);
      expect(logins).toEqual([]);
    },
  );

  for (const mode of UI_MODES) {
    it.each(POPUP_NAVIGATIONS)(
      `ui ${mode}: a page in Apple's popup window that sends its %s to a forged fragment logs nobody in`,
      async (navigate) => {
        const attackerToken = forgeResult();
        const popup = await startAttempt(mode);
        // As a link on Apple's page would: a navigation that the page itself starts.
        await popup.evaluate((url) => {
          window.location.href = url;
        }, `${attacker.origin}/in-popup?navigate=${navigate}`);
        await popup.waitForURL((url) => url.origin === attacker.origin);
        await expect.poll(() => resultURLs, { timeout: 10_000 }).toEqual([forgedURL]);
        await expectWaitingForClick(navigate === 'opener' ? page : popup);
        if (navigate === 'itself') {
          // The opener sees its popup gone, waits its grace period, then reports a cancel.
          await expect
            .poll(() => posts, { timeout: 10_000 })
            .toEqual([{ state: expect.any(String), error: 'cancelled' }]);
        }
        expect(tokenPosts()).toEqual([]);
        expect(logins).not.toContain(attackerToken);
        expect(logins).toEqual([]);
      },
    );
  }

  it('ui musickit: a fragment MusicKit would read is gone before its script runs, even one that does not decode', async () => {
    ui = 'musickit';
    // A raw 0xFF byte: not UTF-8, so the bridge cannot decode it, yet MusicKit's pattern matches.
    const json = `{"itre":"0","musicUserToken":"${sandbox.issueToken()}","cid":"\xff"}`;
    const hash = `#${Buffer.from(json, 'latin1').toString('base64')}`;
    expect(hash).toMatch(/^#[A-Za-z0-9+/]{200,}={0,2}$/);
    await page.goto(`${app.origin}${LOGIN_PATH}?returnTo=%2F${hash}`);
    await expectWaitingForClick(page);
    expect(resultURLs).toHaveLength(1);
    expect(musicKitHashes).toEqual(['']);
    expect(posts).toEqual([]);
  });

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

  it.each(UI_MODES)(
    'ui %s: when the tab that opened the popup is gone, the popup window Apple redirected finishes the login',
    async (mode) => {
      const popup = await startAttempt(mode);
      // The tab goes elsewhere: its attempt ends, the popup keeps its own copy.
      await page.goto(`${app.origin}/`);
      sandbox.setOutcome('redirect');
      await popup.reload();
      await popup.waitForURL(`${app.origin}/`);
      expect(resultURLs).toHaveLength(1);
      expect(logins).toHaveLength(1);
      expect(posts).toEqual([
        { state: expect.any(String), music_user_token: logins[0], restricted: '0' },
      ]);
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
        expect(
          new URL(resultURLs[0] as string).searchParams.get('apple_music_auth_attempt'),
        ).toMatch(/^[0-9a-f]{32}$/);
        expect(logins).toHaveLength(1);
        // One post, from this tab, and no cancel before it.
        expect(posts).toEqual([
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
