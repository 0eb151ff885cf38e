// The bridge page in headless Chromium: served from one loopback origin, with a
// fake Apple popup (docs/protocol.md section 2) and a fake MusicKit on another.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { describeWithChromium, launchChromium } from '../../../../testing/chromium.js';
import { type RenderBridgePageOptions, renderBridgePage } from '../../src/pages/bridge-page.js';

const RESULTS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../test-results');
const TEAM_ID = 'ABCDE12345';
const STATUS = '#apple-music-auth-status';
const BUTTON = '#apple-music-auth-continue';

type PopupOutcome =
  | { kind: 'authorize'; token: string; restricted: '0' | '1' }
  | { kind: 'decline' | 'unavailable' | 'close' | 'hang' };

interface MusicKitOutcome {
  token?: string;
  errorCode?: string;
  restricted: boolean;
}

/** What the fake popup and the fake MusicKit report back to the test. */
interface Report {
  info?: { jsonrpc: string; id: number; result: string };
  unknown?: unknown;
  a?: string;
  referrer?: string;
  name?: string;
  configure?: unknown;
  authorize?: boolean;
  cached?: string | null;
}

interface Post {
  url: string;
  contentType: string | undefined;
  fields: Record<string, string>;
}

interface Served {
  server: Server;
  origin: string;
}

async function serve(
  handler: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<Served> {
  const server = createServer(handler);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(response: ServerResponse, type: string, body: string, status = 200): void {
  response.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
  response.end(body);
}

/** Items pushed by the servers, read in order: `next()` waits for the next unread one. */
function queue<T>() {
  const items: T[] = [];
  let read = 0;
  let waiter: (() => void) | undefined;
  return {
    items,
    push(item: T) {
      items.push(item);
      waiter?.();
    },
    async next(): Promise<T> {
      while (items.length <= read) {
        await new Promise<void>((done) => {
          waiter = done;
        });
      }
      read += 1;
      return items[read - 1] as T;
    },
    clear() {
      items.length = 0;
      read = 0;
      waiter = undefined;
    },
  };
}

function gate(): { opened: Promise<void>; open(): void } {
  let open: () => void = () => {};
  const opened = new Promise<void>((done) => {
    open = done;
  });
  return { opened, open };
}

// ---- the fake Apple side (popup, spoofing frames, MusicKit), origin B -------

function popupHTML(outcome: PopupOutcome, spoof: { token: string; foreignOrigin: string } | null) {
  return `<!doctype html><meta charset="utf-8"><title>Fake Apple popup</title><p>Fake Apple Music popup</p>
<script>
const outcome = ${JSON.stringify(outcome)};
const spoof = ${JSON.stringify(spoof)};
(async () => {
  const query = new URLSearchParams(location.search);
  const referrerOrigin = new URL(query.get('referrer')).origin;
  const opener = window.opener;
  const replies = new Map();
  let nextId = 1;
  addEventListener('message', (event) => {
    if (event.source === opener && event.origin === referrerOrigin) replies.get(event.data.id)?.(event.data);
  });
  const call = (method, params) => new Promise((resolve) => {
    const id = nextId++;
    replies.set(id, resolve);
    opener.postMessage({ jsonrpc: '2.0', id, method, params }, referrerOrigin);
  });
  const report = (value) => fetch('/report', { method: 'POST', body: JSON.stringify(value) });
  const spoofFrom = (origin) => new Promise((resolve) => {
    const frame = document.createElement('iframe');
    frame.src = origin + '/spoof?token=' + encodeURIComponent(spoof.token);
    addEventListener('message', (event) => { if (event.source === frame.contentWindow) resolve(); });
    document.body.append(frame);
  });

  const info = await call('thirdPartyInfo');
  const unknown = await call('notAMethod', { x: 1 });
  await call('close');
  await report({ info, unknown, a: query.get('a'), referrer: query.get('referrer'), name: window.name });
  if (spoof) {
    await spoofFrom(location.origin);
    await spoofFrom(spoof.foreignOrigin);
    await fetch('/go');
  }
  if (outcome.kind === 'authorize') call('authorize', [outcome.token, outcome.restricted, 'cid-1']);
  else if (outcome.kind === 'close') window.close();
  else if (outcome.kind !== 'hang') call(outcome.kind);
})();
</script>`;
}

const SPOOF_HTML = `<!doctype html><script>
const token = new URLSearchParams(location.search).get('token');
top.opener.postMessage({ jsonrpc: '2.0', id: 1, method: 'authorize', params: [token, '1', 'x'] }, '*');
top.opener.postMessage({ jsonrpc: '2.0', id: 2, method: 'decline' }, '*');
parent.postMessage('spoofed', '*');
</script>`;

function musicKitJS(outcome: MusicKitOutcome, reportURL: string): string {
  return `(() => {
  const outcome = ${JSON.stringify(outcome)};
  const key = 'music.${TEAM_ID.toLowerCase()}.media-user-token';
  const report = (value) => fetch(${JSON.stringify(reportURL)}, { method: 'POST', body: JSON.stringify(value) });
  const instance = {
    isRestricted: outcome.restricted,
    authorize() {
      report({ authorize: true, cached: localStorage.getItem(key) });
      return outcome.token
        ? Promise.resolve(outcome.token)
        : Promise.reject(Object.assign(new Error('MusicKit says no'), { errorCode: outcome.errorCode }));
    },
  };
  window.MusicKit = {
    configure(config) {
      report({ configure: config });
      return Promise.resolve(instance);
    },
    getInstance: () => instance,
  };
  document.dispatchEvent(new CustomEvent('musickitloaded'));
})();`;
}

const ICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="72" height="72" viewBox="0 0 72 72"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#ff5f6d"/><stop offset="1" stop-color="#7b2ff7"/></linearGradient></defs><rect width="72" height="72" fill="url(#g)"/><path fill="#fff" d="M48 18v24a7 7 0 1 1-4-6.3V26l-16 3.6V46a7 7 0 1 1-4-6.3V24.6a2 2 0 0 1 1.6-2l20-4.4A2 2 0 0 1 48 18Z"/></svg>`;

describeWithChromium('the bridge page in Chromium', () => {
  let browser: Browser;
  let bridge: Served;
  let apple: Served;
  let foreignOrigin: string;
  let context: BrowserContext;
  let page: Page;

  let pageOptions: Partial<RenderBridgePageOptions> = {};
  let developerToken = '';
  let state = '';
  let popupOutcome: PopupOutcome = { kind: 'hang' };
  let spoofToken: string | null = null;
  let musicKitOutcome: MusicKitOutcome = { restricted: false };
  // The popup waits at GET /go (after its spoofs) until the test opens this gate.
  let go = gate();
  const posts = queue<Post>();
  const reports = queue<Report>();
  const bridgeMessages = queue<{ origin: string; method: unknown }>();
  const requestURLs: string[] = [];
  const violations: string[] = [];
  const dialogs: string[] = [];

  beforeAll(async () => {
    bridge = await serve(async (request, response) => {
      requestURLs.push(request.url ?? '');
      const url = new URL(request.url ?? '/', bridge.origin);
      if (url.pathname === '/favicon.ico') {
        send(response, 'image/x-icon', '');
      } else if (request.method === 'GET' && url.pathname === '/login') {
        const rendered = renderBridgePage({
          appName: 'Nightingale Radio',
          developerToken,
          state,
          callbackURL: `${bridge.origin}/callback`,
          authorizeURL: `${apple.origin}/woa`,
          musicKitScriptURL: `${apple.origin}/musickit.js`,
          apiURL: apple.origin,
          teamId: TEAM_ID,
          ...pageOptions,
        });
        response.writeHead(rendered.status, rendered.headers);
        response.end(rendered.body);
      } else if (request.method === 'POST' && url.pathname === '/callback') {
        const body = await readBody(request);
        posts.push({
          url: request.url ?? '',
          contentType: request.headers['content-type'],
          fields: Object.fromEntries(new URLSearchParams(body)),
        });
        response.writeHead(303, { Location: '/done' });
        response.end();
      } else if (url.pathname === '/done') {
        send(response, 'text/html; charset=utf-8', '<!doctype html><title>Done</title><p>Done</p>');
      } else {
        send(response, 'text/plain', 'not found', 404);
      }
    });
    apple = await serve(async (request, response) => {
      requestURLs.push(request.url ?? '');
      const url = new URL(request.url ?? '/', apple.origin);
      if (url.pathname === '/favicon.ico') {
        send(response, 'image/x-icon', '');
      } else if (url.pathname === '/woa') {
        const spoof = spoofToken === null ? null : { token: spoofToken, foreignOrigin };
        send(response, 'text/html; charset=utf-8', popupHTML(popupOutcome, spoof));
      } else if (url.pathname === '/spoof') {
        send(response, 'text/html; charset=utf-8', SPOOF_HTML);
      } else if (url.pathname === '/go') {
        await go.opened;
        send(response, 'text/plain', 'go');
      } else if (url.pathname === '/report') {
        reports.push(JSON.parse(await readBody(request)));
        response.writeHead(204, { 'Access-Control-Allow-Origin': '*' });
        response.end();
      } else if (url.pathname === '/musickit.js') {
        send(response, 'text/javascript', musicKitJS(musicKitOutcome, `${apple.origin}/report`));
      } else if (url.pathname === '/icon.svg') {
        send(response, 'image/svg+xml', ICON_SVG);
      } else {
        send(response, 'text/plain', 'not found', 404);
      }
    });
    foreignOrigin = apple.origin.replace('127.0.0.1', 'localhost');
    browser = await launchChromium();
    // One context and page for the file (a fresh page costs more than a test);
    // every test navigates to a freshly rendered bridge page.
    context = await browser.newContext({ viewport: { width: 960, height: 720 } });
    await context.exposeBinding('__cspViolation', (_source, text: string) => {
      violations.push(text);
    });
    await context.exposeBinding('__bridgeMessage', (_source, origin: string, method: unknown) => {
      bridgeMessages.push({ origin, method });
    });
    await context.addInitScript(`
      document.addEventListener('securitypolicyviolation', (event) => {
        window.__cspViolation(location.origin + ': ' + event.violatedDirective + ' ' + event.blockedURI);
      });
      if (location.origin === ${JSON.stringify(bridge.origin)}) {
        addEventListener('message', (event) => {
          window.__bridgeMessage(event.origin, event.data && event.data.method);
        }, true);
        const submit = HTMLFormElement.prototype.submit;
        HTMLFormElement.prototype.submit = function () {
          sessionStorage.setItem('submitted', JSON.stringify({
            status: document.getElementById('apple-music-auth-status').textContent,
            buttonDisabled: document.getElementById('apple-music-auth-continue').disabled,
          }));
          return submit.call(this);
        };
        const open = window.open.bind(window);
        window.open = (...args) => (window.blockPopups ? null : open(...args));
      }`);
    page = await context.newPage();
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('console', (message) => {
      if (message.type() === 'error') violations.push(`console: ${message.text()}`);
    });
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    for (const served of [bridge, apple]) {
      served?.server.closeAllConnections();
      await new Promise((done) => served?.server.close(done));
    }
  });

  beforeEach(async () => {
    pageOptions = {};
    developerToken = randomBytes(48).toString('base64url');
    state = randomBytes(48).toString('base64url');
    popupOutcome = { kind: 'hang' };
    spoofToken = null;
    go = gate();
    musicKitOutcome = { restricted: false };
    for (const list of [posts, reports, bridgeMessages]) list.clear();
    requestURLs.length = 0;
    violations.length = 0;
    dialogs.length = 0;
  });

  afterEach(async () => {
    go.open();
    // Let a submitted form land before the next test navigates.
    if (posts.items.length > 0) await page.waitForURL(`${bridge.origin}/done`);
    for (const other of context.pages()) if (other !== page) await other.close();
    expect(violations).toEqual([]);
    expect(dialogs).toEqual([]);
  });

  async function openBridge(): Promise<void> {
    await page.goto(`${bridge.origin}/login`);
  }

  /** Waits for the form POST's redirect, then tells what the bridge page showed as it submitted. */
  async function pageAtSubmit(): Promise<unknown> {
    await page.waitForURL(`${bridge.origin}/done`);
    return page.evaluate(() => {
      const seen = JSON.parse(sessionStorage.getItem('submitted') ?? 'null');
      sessionStorage.removeItem('submitted');
      return seen;
    });
  }

  async function clickAndGetPopup(): Promise<Page> {
    const [popup] = await Promise.all([page.waitForEvent('popup'), page.click(BUTTON)]);
    return popup;
  }

  function expectNoTokenInAnyURL(secret: string): void {
    for (const url of requestURLs) expect(url).not.toContain(secret);
  }

  it('posts state, music_user_token and restricted to the callback in the form body', async () => {
    const token = randomUUID();
    popupOutcome = { kind: 'authorize', token, restricted: '1' };
    pageOptions = { appName: `"'><img src=x onerror=alert(1)></script><script>alert(1)</script>` };
    await openBridge();
    expect(await page.textContent('h1')).toBe(pageOptions.appName);
    const popup = await clickAndGetPopup();
    const report = await reports.next();
    const post = await posts.next();
    expect(post.url).toBe('/callback');
    expect(post.contentType).toBe('application/x-www-form-urlencoded');
    expect(post.fields).toEqual({ state, music_user_token: token, restricted: '1' });
    expect(await pageAtSubmit()).toEqual({ status: 'Signing you in…', buttonDisabled: true });
    await expect.poll(() => popup.isClosed()).toBe(true);

    expect(JSON.parse(report.info?.result ?? '')).toEqual({
      thirdPartyName: pageOptions.appName,
      thirdPartyParameters: {},
      thirdPartyToken: developerToken,
    });
    expect(report.unknown).toEqual({
      jsonrpc: '2.0',
      id: 2,
      error: { code: -32601, message: 'Method not found' },
    });
    // The page's URL with this tab's attempt id, which a redirected result must carry back.
    expect(report.referrer).toMatch(
      new RegExp(
        `^${bridge.origin.replaceAll('.', '\\.')}/login\\?apple_music_auth_attempt=[0-9a-f]{32}$`,
      ),
    );
    expect(report.name).toBe('apple-music-service-view');
    expect(JSON.parse(Buffer.from(report.a as string, 'base64').toString('utf8'))).toEqual({
      thirdPartyName: pageOptions.appName,
      thirdPartyToken: developerToken,
    });
    expectNoTokenInAnyURL(token);
    expectNoTokenInAnyURL(state);
  });

  it('reads restricted "0" as restricted=0 and shows the icon', async () => {
    const token = randomUUID();
    popupOutcome = { kind: 'authorize', token, restricted: '0' };
    pageOptions = { appIconURL: `${apple.origin}/icon.svg` };
    await openBridge();
    expect(await page.$eval('img.icon', (image) => (image as HTMLImageElement).naturalWidth)).toBe(
      72,
    );
    await clickAndGetPopup();
    expect((await posts.next()).fields).toEqual({
      state,
      music_user_token: token,
      restricted: '0',
    });
  });

  it.each([
    ['decline', 'access_denied', 'You declined access to Apple Music.'],
    ['unavailable', 'unavailable', 'Apple Music isn’t available for this account or region.'],
    ['close', 'cancelled', 'The Apple Music window closed before it finished.'],
  ] as const)('reports %s as error=%s to the callback', async (kind, error, text) => {
    popupOutcome = { kind };
    await openBridge();
    await clickAndGetPopup();
    const post = await posts.next();
    expect(post.fields).toEqual({ state, error });
    expect(post.url).toBe('/callback');
    expect(await pageAtSubmit()).toEqual({
      status: `${text} Returning you to the app, where you can try again.`,
      buttonDisabled: true,
    });
  });

  it('keeps the user on the page when the popup is blocked, and retries on click', async () => {
    const token = randomUUID();
    popupOutcome = { kind: 'authorize', token, restricted: '0' };
    await openBridge();
    await page.evaluate(() => {
      (window as unknown as { blockPopups: boolean }).blockPopups = true;
    });
    await page.click(BUTTON);
    expect(await page.textContent(STATUS)).toBe(
      'Your browser blocked the popup. Click the button again.',
    );
    expect(await page.isEnabled(BUTTON)).toBe(true);
    expect(posts.items).toEqual([]);
    expect(reports.items).toEqual([]);

    await page.evaluate(() => {
      (window as unknown as { blockPopups: boolean }).blockPopups = false;
    });
    await clickAndGetPopup();
    expect((await posts.next()).fields).toEqual({
      state,
      music_user_token: token,
      restricted: '0',
    });
  });

  it('ignores messages from other origins and other windows', async () => {
    const token = randomUUID();
    spoofToken = randomUUID();
    popupOutcome = { kind: 'authorize', token, restricted: '0' };
    await openBridge();
    await clickAndGetPopup();
    await reports.next();
    await page.evaluate((spoof) => {
      window.postMessage({ jsonrpc: '2.0', id: 1, method: 'authorize', params: [spoof, '0'] }, '*');
    }, spoofToken);
    // The bridge window has received every spoof: same-origin frame, foreign
    // frame (both with authorize and decline), and its own origin.
    await expect
      .poll(() =>
        bridgeMessages.items
          .filter(
            (message) => message.origin !== apple.origin || message.method !== 'thirdPartyInfo',
          )
          .map((message) => `${message.origin} ${String(message.method)}`)
          .filter((line) => !line.endsWith(' notAMethod') && !line.endsWith(' close'))
          .sort(),
      )
      .toEqual(
        [
          `${apple.origin} authorize`,
          `${apple.origin} decline`,
          `${foreignOrigin} authorize`,
          `${foreignOrigin} decline`,
          `${bridge.origin} authorize`,
        ].sort(),
      );
    expect(await page.textContent(STATUS)).toBe('Waiting for Apple Music in the popup…');
    expect(posts.items).toEqual([]);
    go.open();
    expect((await posts.next()).fields).toEqual({
      state,
      music_user_token: token,
      restricted: '0',
    });
    expectNoTokenInAnyURL(token);
  });

  it('focuses the open popup on a second click instead of opening another', async () => {
    const token = randomUUID();
    spoofToken = randomUUID();
    popupOutcome = { kind: 'authorize', token, restricted: '0' };
    await openBridge();
    const popup = await clickAndGetPopup();
    await reports.next();
    await page.click(BUTTON);
    expect(context.pages().length).toBe(2);
    expect(popup.isClosed()).toBe(false);
    expect(await page.textContent(STATUS)).toBe('Waiting for Apple Music in the popup…');
    go.open();
    expect((await posts.next()).fields.music_user_token).toBe(token);
    await expect.poll(() => popup.isClosed()).toBe(true);
  });

  it('musickit mode: configures MusicKit, clears its cached token, posts the result', async () => {
    const token = randomUUID();
    musicKitOutcome = { token, restricted: true };
    pageOptions = { ui: 'musickit', appBuild: '2.3.4' };
    await openBridge();
    await page.evaluate(
      (key) => localStorage.setItem(key, 'cached-token'),
      `music.${TEAM_ID.toLowerCase()}.media-user-token`,
    );
    const configured = await reports.next();
    expect(configured).toEqual({
      configure: { developerToken, app: { name: 'Nightingale Radio', build: '2.3.4' } },
    });
    await expect.poll(() => page.isEnabled(BUTTON)).toBe(true);
    await page.click(BUTTON);
    expect(await reports.next()).toEqual({ authorize: true, cached: null });
    expect((await posts.next()).fields).toEqual({
      state,
      music_user_token: token,
      restricted: '1',
    });
  });

  it.each([
    ['AUTHORIZATION_ERROR', 'cancelled'],
    ['ACCESS_DENIED', 'access_denied'],
    ['SUBSCRIPTION_ERROR', 'unavailable'],
  ])('musickit mode: maps MusicKit %s to error=%s', async (errorCode, error) => {
    musicKitOutcome = { errorCode, restricted: false };
    pageOptions = { ui: 'musickit' };
    await openBridge();
    await expect.poll(() => page.isEnabled(BUTTON)).toBe(true);
    await page.click(BUTTON);
    expect((await posts.next()).fields).toEqual({ state, error });
  });

  it('renders cleanly in light and dark mode (screenshots in test-results/)', async () => {
    pageOptions = { appIconURL: `${apple.origin}/icon.svg` };
    mkdirSync(RESULTS_DIR, { recursive: true });
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      await openBridge();
      await page.$eval('img.icon', (image) => (image as HTMLImageElement).decode());
      const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      expect(background).toBe(colorScheme === 'dark' ? 'rgb(0, 0, 0)' : 'rgb(242, 242, 247)');
      await page.screenshot({ path: resolve(RESULTS_DIR, `bridge-${colorScheme}.png`) });
    }
    await page.setViewportSize({ width: 375, height: 700 });
    const layout = await page.$eval('main', (main) => ({
      left: main.getBoundingClientRect().left,
      right: main.getBoundingClientRect().right,
      scrollWidth: document.documentElement.scrollWidth,
    }));
    expect(layout.left).toBeGreaterThan(0);
    expect(layout.right).toBeLessThan(375);
    expect(layout.scrollWidth).toBe(375);
    await page.setViewportSize({ width: 960, height: 720 });
    await page.emulateMedia({ colorScheme: 'light' });
  });
});
