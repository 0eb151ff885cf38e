// The failure pages in headless Chromium, served over loopback with their real
// headers (so the CSP applies): screenshots of each in light and dark at desktop
// and phone width (test-results/), WCAG AA contrast measured from the computed
// colours, both links visible and leading where the caller said.
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithChromium, launchChromium } from '../../../../testing/chromium.js';
import { AppleMusicAuthError, type AppleMusicAuthErrorCode } from '../../src/errors.js';
import { renderErrorPage } from '../../src/pages/failure-page.js';

const RESULTS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../test-results');
const TRY_AGAIN_URL = '/auth/apple-music?returnTo=%2Flibrary';
const BACK_URL = '/library';
const SCHEMES = ['light', 'dark'] as const;
const VIEWPORTS = { desktop: { width: 960, height: 720 }, phone: { width: 375, height: 700 } };
const BACKGROUNDS = { light: 'rgb(242, 242, 247)', dark: 'rgb(0, 0, 0)' };

/** Every failure page people meet, by code, with the status the page must answer with. */
const FAILURES: { code: AppleMusicAuthErrorCode; status: number }[] = [
  { code: 'ERR_ACCESS_DENIED', status: 403 },
  { code: 'ERR_UNAVAILABLE', status: 403 },
  { code: 'ERR_CANCELLED', status: 400 },
  { code: 'ERR_POPUP_BLOCKED', status: 400 },
  { code: 'ERR_STATE_EXPIRED', status: 400 },
  { code: 'ERR_STATE_MISSING', status: 400 },
  { code: 'ERR_USER_TOKEN_REJECTED', status: 401 },
  { code: 'ERR_UPSTREAM', status: 502 },
];

type RGBA = [number, number, number, number];

/** One text run on the page: its colour and the background colours behind it, innermost first. */
interface TextSample {
  label: string;
  text: string;
  color: string;
  backgrounds: string[];
}

function parseColor(value: string): RGBA {
  const parts = /^rgba?\(([^)]+)\)$/
    .exec(value)?.[1]
    ?.split(/[\s,/]+/)
    .filter(Boolean);
  if (parts === undefined || parts.length < 3) throw new Error(`Unexpected colour: ${value}`);
  const [r, g, b, a = '1'] = parts.map(String);
  return [Number(r), Number(g), Number(b), Number(a)];
}

/** `top` painted over the opaque `bottom`. */
function over(top: RGBA, bottom: RGBA): RGBA {
  const alpha = top[3];
  const mix = (i: 0 | 1 | 2) => top[i] * alpha + bottom[i] * (1 - alpha);
  return [mix(0), mix(1), mix(2), 1];
}

function luminance([r, g, b]: RGBA): number {
  const channel = (value: number) => {
    const c = value / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

/** The WCAG 2 contrast ratio of a text sample against what is painted behind it. */
function contrastOf(sample: TextSample): number {
  const backdrop = sample.backgrounds
    .map(parseColor)
    .reduceRight<RGBA>((below, layer) => over(layer, below), [255, 255, 255, 1]);
  const text = over(parseColor(sample.color), backdrop);
  const [light, dark] = [luminance(text), luminance(backdrop)].sort((a, b) => b - a) as [
    number,
    number,
  ];
  return (light + 0.05) / (dark + 0.05);
}

/** Reads every text element of the card with its colour and the backgrounds behind it. */
function textSamples(page: Page): Promise<TextSample[]> {
  return page.$$eval('h1, .lead, .actions a, .code, .code code', (elements) =>
    elements.map((element) => {
      const backgrounds: string[] = [];
      for (let node: Element | null = element; node !== null; node = node.parentElement) {
        backgrounds.push(getComputedStyle(node).backgroundColor);
      }
      return {
        label: element.tagName.toLowerCase() + (element.className ? `.${element.className}` : ''),
        text: element.textContent ?? '',
        color: getComputedStyle(element).color,
        backgrounds,
      };
    }),
  );
}

describeWithChromium('the failure pages in Chromium', () => {
  let server: Server;
  let origin: string;
  let browser: Browser;
  const contexts = new Map<(typeof SCHEMES)[number], BrowserContext>();
  const violations: string[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://loopback');
      const failure = FAILURES.find(({ code }) => url.pathname === `/failure/${code}`);
      if (failure === undefined) {
        response.writeHead(200, { 'content-type': 'text/plain' }).end(`arrived at ${request.url}`);
        return;
      }
      const error = new AppleMusicAuthError(failure.code, 'internal detail', {
        status: failure.status,
      });
      const page = renderErrorPage(error, { tryAgainURL: TRY_AGAIN_URL, backURL: BACK_URL });
      response.writeHead(page.status, page.headers).end(page.body);
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
    for (const colorScheme of SCHEMES) {
      const context = await browser.newContext({ colorScheme, viewport: VIEWPORTS.desktop });
      await context.exposeBinding('__cspViolation', (_source, text: string) => {
        violations.push(text);
      });
      await context.addInitScript(`
        document.addEventListener('securitypolicyviolation', (event) => {
          window.__cspViolation(event.violatedDirective + ' ' + event.blockedURI);
        });
      `);
      contexts.set(colorScheme, context);
    }
    mkdirSync(RESULTS_DIR, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((done) => server?.close(done));
  });

  it.each(FAILURES)(
    '$code: readable in light and dark, desktop and phone (screenshots in test-results/)',
    async ({ code, status }) => {
      for (const colorScheme of SCHEMES) {
        const page = await (contexts.get(colorScheme) as BrowserContext).newPage();
        try {
          const response = await page.goto(`${origin}/failure/${code}`);
          expect(response?.status()).toBe(status);
          expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe(
            BACKGROUNDS[colorScheme],
          );
          for (const [size, viewport] of Object.entries(VIEWPORTS)) {
            await page.setViewportSize(viewport);
            await page.screenshot({
              path: resolve(RESULTS_DIR, `failure-${code}-${colorScheme}-${size}.png`),
              fullPage: true,
            });

            const samples = await textSamples(page);
            expect(samples.map((sample) => sample.label)).toEqual([
              'h1',
              'p.lead',
              'a.button',
              'a.button secondary',
              'p.code',
              'code',
            ]);
            for (const sample of samples) {
              expect
                .soft(contrastOf(sample), `${sample.label} "${sample.text}" (${colorScheme})`)
                .toBeGreaterThanOrEqual(4.5);
            }

            const card = await page.locator('main.card').boundingBox();
            for (const name of ['Try again', 'Back to the app']) {
              const link = page.getByRole('link', { name });
              expect(await link.isVisible()).toBe(true);
              const box = await link.boundingBox();
              expect(box?.height).toBeGreaterThanOrEqual(44);
              expect(box?.x).toBeGreaterThanOrEqual(card?.x ?? Number.NaN);
              expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(
                (card?.x ?? 0) + (card?.width ?? 0),
              );
            }
            expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(
              viewport.width,
            );
            const fontSize = (selector: string) =>
              page.$eval(selector, (element) =>
                Number.parseFloat(getComputedStyle(element).fontSize),
              );
            expect(await fontSize('.code')).toBeLessThan(await fontSize('.lead'));
          }
        } finally {
          await page.close();
        }
      }
      expect(violations).toEqual([]);
    },
  );

  it('"Try again" leads to the login route with the same returnTo, "Back to the app" to the app', async () => {
    const page = await (contexts.get('light') as BrowserContext).newPage();
    try {
      await page.goto(`${origin}/failure/ERR_ACCESS_DENIED`);
      await page.getByRole('link', { name: 'Try again' }).click();
      await page.waitForURL(`${origin}${TRY_AGAIN_URL}`);
      expect(await page.textContent('body')).toBe(`arrived at ${TRY_AGAIN_URL}`);

      await page.goBack();
      await page.getByRole('link', { name: 'Back to the app' }).click();
      await page.waitForURL(`${origin}${BACK_URL}`);
      expect(await page.textContent('body')).toBe(`arrived at ${BACK_URL}`);
    } finally {
      await page.close();
    }
  });
});
