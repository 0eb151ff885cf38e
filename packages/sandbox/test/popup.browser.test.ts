import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { describeWithChromium, launchChromium } from '../../../testing/chromium.js';
import { type MessageShape, type PopupOutcome, type Sandbox, startSandbox } from '../src/index.js';
import {
  createKeyPair,
  KEY_ID,
  type KeyPair,
  signDeveloperToken,
  TEAM_ID,
} from './support/developer-tokens.js';
import {
  type OpenerConfig,
  type OpenerSite,
  type SiteWindow,
  startOpenerSite,
} from './support/opener-site.js';
import { popupURL } from './support/popup-url.js';

/** Poll on a timer: requestAnimationFrame (the default) stalls in background tabs. */
const POLL = { polling: 50 };

// Each test has its own sandbox (so its own outcome) and its own tab, so the
// tests run concurrently: opening popups is what takes time here.
describeWithChromium('sandbox popup and MusicKit stub in Chromium', () => {
  let browser: Browser;
  let context: BrowserContext;
  let keys: KeyPair;
  let otherKeys: KeyPair;
  let site: OpenerSite;
  let developerToken: string;

  beforeAll(async () => {
    [browser, keys, otherKeys, site] = await Promise.all([
      launchChromium(),
      createKeyPair(),
      createKeyPair(),
      startOpenerSite(),
    ]);
    context = await browser.newContext();
    developerToken = await signDeveloperToken(keys.privateKey);
  });
  afterAll(async () => {
    await Promise.all([browser?.close(), site?.close()]);
  });

  interface Harness {
    sandbox: Sandbox;
    page: Page;
    /** Loads the opener page and clicks its button. */
    openPopup(overrides?: Partial<OpenerConfig>): Promise<void>;
    /** The requests the opener accepted, once the popup has closed. */
    trafficAfterClose(): Promise<SiteWindow['traffic']>;
    /** Status of GET /v1/me/storefront with this user token. */
    storefrontStatus(userToken: unknown): Promise<number>;
    /** Loads the site's MusicKit page with the sandbox's stub, until `musickitloaded`. */
    loadMusicKitPage(): Promise<void>;
  }

  async function withHarness(
    settings: {
      outcome: PopupOutcome;
      restricted?: boolean;
      messageShape?: MessageShape;
      /** A browser context of its own, so that its localStorage is not shared. */
      ownContext?: boolean;
    },
    body: (harness: Harness) => Promise<void>,
  ): Promise<void> {
    const { ownContext, ...sandboxSettings } = settings;
    const pageContext = ownContext ? await browser.newContext() : context;
    const [sandbox, page] = await Promise.all([
      startSandbox({
        teamId: TEAM_ID,
        keyId: KEY_ID,
        publicKey: keys.publicKey,
        ...sandboxSettings,
      }),
      pageContext.newPage(),
    ]);
    const harness: Harness = {
      sandbox,
      page,
      async openPopup(overrides = {}) {
        await page.goto(`${site.url}/opener.html`);
        const config: OpenerConfig = {
          authorizeURL: sandbox.authorizeURL,
          authorizeOrigin: sandbox.authorizeOrigin,
          token: developerToken,
          name: 'Name From A',
          replyName: 'Name <i>From</i> Reply',
          ...overrides,
        };
        await page.evaluate((value) => {
          (window as unknown as SiteWindow).openerConfig = value;
        }, config);
        await page.click('#open');
      },
      async trafficAfterClose() {
        await page.waitForFunction(
          () => (window as unknown as SiteWindow).popupState === 'closed',
          undefined,
          POLL,
        );
        return page.evaluate(() => (window as unknown as SiteWindow).traffic);
      },
      async loadMusicKitPage() {
        const script = encodeURIComponent(sandbox.musicKitScriptURL);
        await page.goto(`${site.url}/musickit.html?script=${script}`);
        await page.waitForFunction(
          () => (window as unknown as SiteWindow).musicKitLoaded,
          undefined,
          POLL,
        );
      },
      async storefrontStatus(userToken) {
        const response = await fetch(`${sandbox.apiURL}/v1/me/storefront`, {
          headers: {
            authorization: `Bearer ${developerToken}`,
            'music-user-token': String(userToken),
          },
        });
        return response.status;
      },
    };
    try {
      await body(harness);
    } finally {
      await Promise.all([page.close(), sandbox.close()]);
      if (ownContext) await pageContext.close();
    }
  }

  /** Clicks a popup button that may close the popup before Playwright's click returns. */
  async function clickInPopup(popup: Page, selector: string): Promise<void> {
    try {
      await popup.click(selector);
    } catch (error) {
      if (!popup.isClosed()) throw error;
    }
  }

  const methodsOf = (traffic: SiteWindow['traffic']) => traffic.map((request) => request.method);
  const paramsOf = (request: SiteWindow['traffic'][number] | undefined) =>
    (request?.params ?? []) as unknown[];

  // A generous timeout: popups are slow to open on a loaded machine; nothing here measures time.
  describe.concurrent('popup', { timeout: 60_000 }, () => {
    it('allow: asks thirdPartyInfo first, then authorizes with a token the API accepts', ({
      expect,
    }) =>
      withHarness({ outcome: 'allow' }, async (harness) => {
        await harness.openPopup();
        const traffic = await harness.trafficAfterClose();
        expect(methodsOf(traffic)).toEqual(['thirdPartyInfo', 'authorize', 'close']);
        // As MusicKit's dispatcher: ids from 0, params always an array.
        expect(traffic.map((request) => request.id)).toEqual([0, 1, 2]);
        expect(traffic[0]).toEqual({ id: 0, method: 'thirdPartyInfo', params: [] });
        expect(traffic[2]).toEqual({ id: 2, method: 'close', params: [] });
        const [userToken, restricted, cid] = paramsOf(traffic[1]);
        expect(userToken).toMatch(/^[A-Za-z0-9+/]+=*$/);
        expect(restricted).toBe('0');
        expect(cid).toEqual(expect.any(String));
        expect(await harness.storefrontStatus(userToken)).toBe(200);

        harness.sandbox.setRestricted(true);
        await harness.openPopup();
        const restrictedTraffic = await harness.trafficAfterClose();
        expect(methodsOf(restrictedTraffic)).toEqual(['thirdPartyInfo', 'authorize', 'close']);
        expect(paramsOf(restrictedTraffic[1])[1]).toBe('1');
      }));

    it('messageShape odd: ids from 1, params missing or not an array', ({ expect }) =>
      withHarness({ outcome: 'decline', messageShape: 'odd' }, async (harness) => {
        await harness.openPopup();
        expect(await harness.trafficAfterClose()).toEqual([
          { id: 1, method: 'thirdPartyInfo' },
          { id: 2, method: 'decline', params: {} },
          { id: 3, method: 'close' },
        ]);
        harness.sandbox.setMessageShape('apple');
        await harness.openPopup();
        expect(await harness.trafficAfterClose()).toEqual([
          { id: 0, method: 'thirdPartyInfo', params: [] },
          { id: 1, method: 'decline', params: [] },
          { id: 2, method: 'close', params: [] },
        ]);
      }));

    it("refuses a thirdPartyInfo token whose origin claim does not list the opener's origin", ({
      expect,
    }) =>
      withHarness({ outcome: 'manual' }, async (harness) => {
        const elsewhere = await signDeveloperToken(keys.privateKey, {
          origin: ['https://app.example'],
        });
        const popupPromise = harness.page.waitForEvent('popup');
        await harness.openPopup({ replyToken: elsewhere });
        const popup = await popupPromise;
        await popup.waitForFunction(
          () => document.getElementById('status')?.className === 'error',
          undefined,
          POLL,
        );
        expect(await popup.textContent('#status')).toBe(
          `Apple would refuse to authorize here: the developer token of the thirdPartyInfo reply has an origin claim (https://app.example) that does not list the opener’s origin ${site.url}. Sign the browser’s developer token with this origin in its origin claim.`,
        );
        expect(await popup.isDisabled('#allow')).toBe(true);
        await popup.close();
        expect(methodsOf(await harness.trafficAfterClose())).toEqual(['thirdPartyInfo']);

        const listed = await signDeveloperToken(keys.privateKey, {
          origin: ['https://app.example', site.url],
        });
        harness.sandbox.setOutcome('allow');
        await harness.openPopup({ token: listed, replyToken: listed });
        expect(methodsOf(await harness.trafficAfterClose())).toEqual([
          'thirdPartyInfo',
          'authorize',
          'close',
        ]);
      }));

    it('shows a non-Latin app name of a (\\u-escaped JSON) correctly', ({ expect }) =>
      withHarness({ outcome: 'manual' }, async ({ sandbox, page }) => {
        await page.goto(
          popupURL(sandbox.authorizeURL, {
            token: developerToken,
            name: 'Café Ünïcødé 音楽',
            referrer: `${site.url}/opener.html`,
          }),
        );
        expect(await page.textContent('#app-name')).toBe('Café Ünïcødé 音楽');
      }));

    it('decline, unavailable, switchUserId, close: send that method (close: none) and close', ({
      expect,
    }) =>
      withHarness({ outcome: 'decline' }, async (harness) => {
        const expected = {
          decline: ['thirdPartyInfo', 'decline', 'close'],
          unavailable: ['thirdPartyInfo', 'unavailable', 'close'],
          switchUserId: ['thirdPartyInfo', 'switchUserId', 'close'],
          close: ['thirdPartyInfo'],
        } as const;
        for (const [outcome, methods] of Object.entries(expected)) {
          harness.sandbox.setOutcome(outcome as PopupOutcome);
          await harness.openPopup();
          expect(methodsOf(await harness.trafficAfterClose()), outcome).toEqual(methods);
        }
      }));

    it('refuses forged developer tokens: in the reply (no token issued) and in a (no message)', ({
      expect,
    }) =>
      withHarness({ outcome: 'allow' }, async (harness) => {
        const forged = await signDeveloperToken(otherKeys.privateKey);
        await harness.openPopup({ replyToken: forged });
        expect(methodsOf(await harness.trafficAfterClose())).toEqual(['thirdPartyInfo']);
        await harness.openPopup({ token: forged });
        expect(await harness.trafficAfterClose()).toEqual([]);
      }));

    it('manual: shows the name of the reply as text; Allow sends the checkbox state', ({
      expect,
    }) =>
      withHarness({ outcome: 'manual' }, async (harness) => {
        const popupPromise = harness.page.waitForEvent('popup');
        await harness.openPopup();
        const popup = await popupPromise;
        await popup.waitForSelector('#allow:not([disabled])');
        expect(await popup.textContent('#app-name')).toBe('Name <i>From</i> Reply');
        expect(await popup.locator('#app-name i').count()).toBe(0);
        await popup.check('#restricted');
        await clickInPopup(popup, '#allow');
        const traffic = await harness.trafficAfterClose();
        expect(methodsOf(traffic)).toEqual(['thirdPartyInfo', 'authorize', 'close']);
        const [userToken, restricted] = paramsOf(traffic[1]);
        expect(restricted).toBe('1');
        expect(await harness.storefrontStatus(userToken)).toBe(200);
      }));

    it('manual: the Decline and Close buttons', ({ expect }) =>
      withHarness({ outcome: 'manual' }, async (harness) => {
        const expected = {
          '#decline': ['thirdPartyInfo', 'decline', 'close'],
          '#close': ['thirdPartyInfo'],
        };
        for (const [button, methods] of Object.entries(expected)) {
          const popupPromise = harness.page.waitForEvent('popup');
          await harness.openPopup();
          const popup = await popupPromise;
          await popup.waitForSelector('#decline:not([disabled])');
          await clickInPopup(popup, button);
          expect(methodsOf(await harness.trafficAfterClose()), button).toEqual(methods);
        }
      }));

    it('without an opener: says so, and offers nothing', ({ expect }) =>
      withHarness({ outcome: 'allow' }, async ({ sandbox, page }) => {
        await page.goto(
          popupURL(sandbox.authorizeURL, {
            token: developerToken,
            referrer: `${site.url}/opener.html`,
          }),
        );
        await page.waitForFunction(
          () => document.getElementById('status')?.className === 'error',
          undefined,
          POLL,
        );
        expect(await page.textContent('#status')).toMatch(/no opener/);
        expect(await page.isDisabled('#allow')).toBe(true);
      }));

    it('the MusicKit stub checks the developer token as MusicKit does, and reports isRestricted', ({
      expect,
    }) =>
      withHarness(
        { outcome: 'allow', restricted: true, ownContext: true },
        async ({ page, loadMusicKitPage }) => {
          await loadMusicKitPage();
          type StubGlobal = {
            MusicKit: {
              configure(config: object): Promise<unknown>;
              getInstance(): { authorize(): Promise<string>; isRestricted: boolean };
            };
          };
          const configure = (token: string) =>
            page.evaluate(
              (value) =>
                (window as unknown as StubGlobal).MusicKit.configure({
                  developerToken: value,
                  app: { name: 'Stub test' },
                }).then(
                  () => 'configured',
                  (error: { errorCode: string }) => error.errorCode,
                ),
              token,
            );
          const iat = Math.floor(Date.now() / 1000) - 7200;
          const expired = await signDeveloperToken(keys.privateKey, { iat, exp: iat + 3600 });
          expect(await configure(expired)).toBe('UNAUTHORIZED_ERROR');
          expect(await configure('not.a-jwt')).toBe('CONFIGURATION_ERROR');
          expect(await configure('a.b.c')).toBe('CONFIGURATION_ERROR');
          expect(await configure(developerToken)).toBe('configured');

          const authorized = await page.evaluate(async () => {
            const instance = (window as unknown as StubGlobal).MusicKit.getInstance();
            const restrictedBefore = instance.isRestricted;
            const token = await instance.authorize();
            return { token, restrictedBefore, restrictedAfter: instance.isRestricted };
          });
          expect(authorized).toEqual({
            token: expect.any(String),
            restrictedBefore: false,
            restrictedAfter: true,
          });

          // Once the developer token has expired, authorize fails before any popup.
          const later = await page.evaluate(() => {
            const realNow = Date.now;
            Date.now = () => realNow() + 400 * 24 * 3600 * 1000;
            return (window as unknown as StubGlobal).MusicKit.getInstance()
              .authorize()
              .then(
                () => 'authorized',
                (error: { errorCode: string }) => error.errorCode,
              );
          });
          expect(later).toBe('UNAUTHORIZED_ERROR');
        },
      ));

    it('the MusicKit stub resolves a token, caches it, and rejects a decline', ({ expect }) =>
      withHarness(
        { outcome: 'allow' },
        async ({ sandbox, page, storefrontStatus, loadMusicKitPage }) => {
          const popups: Page[] = [];
          page.on('popup', (popup) => popups.push(popup));
          await loadMusicKitPage();
          await page.evaluate(
            (token) =>
              (
                window as unknown as { MusicKit: { configure(config: object): Promise<unknown> } }
              ).MusicKit.configure({
                developerToken: token,
                app: { name: 'Stub test', build: '1.0' },
              }),
            developerToken,
          );
          const results = () => page.evaluate(() => (window as unknown as SiteWindow).results);
          const resultCount = (count: number) =>
            page.waitForFunction(
              (n) => (window as unknown as SiteWindow).results.length === n,
              count,
              POLL,
            );

          await page.click('#authorize');
          await resultCount(1);
          const [first] = await results();
          expect(first?.token).toEqual(expect.any(String));
          expect(await storefrontStatus(first?.token)).toBe(200);
          const storageKey = `music.${TEAM_ID.toLowerCase()}.media-user-token`;
          expect(await page.evaluate((key) => localStorage.getItem(key), storageKey)).toBe(
            first?.token,
          );
          expect(popups).toHaveLength(1);
          const opened = new URL(popups[0]?.url() ?? '');
          expect(opened.origin + opened.pathname).toBe(sandbox.authorizeURL);
          expect([...opened.searchParams.keys()]).toEqual(['a', 'referrer', 'app', 'p']);
          expect(opened.searchParams.get('referrer')).toBe(page.url());
          const a = JSON.parse(
            Buffer.from(opened.searchParams.get('a') ?? '', 'base64').toString('utf8'),
          );
          expect(a).toEqual({
            thirdPartyName: new URL(site.url).host,
            thirdPartyToken: developerToken,
          });

          await page.click('#authorize');
          await resultCount(2);
          expect((await results())[1]?.token).toBe(first?.token);
          expect(popups).toHaveLength(1);

          await page.evaluate((key) => localStorage.removeItem(key), storageKey);
          sandbox.setOutcome('decline');
          await page.click('#authorize');
          await resultCount(3);
          expect((await results())[2]).toEqual({
            error: 'AUTHORIZATION_ERROR',
            code: 'AUTHORIZATION_ERROR',
          });
          expect(popups).toHaveLength(2);
        },
      ));
  });
});
