// The sandbox's popup is a page people see while developing: it is held to
// axe-core's WCAG 2.1 AA rules like the app's own pages, light and dark,
// desktop and phone width, with its buttons enabled (a reply arrived).
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { axeViolations, LOOKS } from '../../../testing/accessibility.js';
import { describeWithChromium, launchChromium } from '../../../testing/chromium.js';
import { type Sandbox, startSandbox } from '../src/index.js';
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

describeWithChromium('the sandbox popup under axe-core (WCAG 2.1 AA)', () => {
  let browser: Browser;
  let keys: KeyPair;
  let site: OpenerSite;
  let sandbox: Sandbox;

  beforeAll(async () => {
    [browser, keys, site] = await Promise.all([
      launchChromium(),
      createKeyPair(),
      startOpenerSite(),
    ]);
    sandbox = await startSandbox({ teamId: TEAM_ID, keyId: KEY_ID, publicKey: keys.publicKey });
  });
  afterAll(async () => {
    await Promise.all([browser?.close(), site?.close(), sandbox?.close()]);
  });

  it.each(LOOKS.map((look) => [look.name, look] as const))(
    'has no violations in %s, waiting for a choice',
    async (_name, look) => {
      const context = await browser.newContext({
        bypassCSP: true,
        colorScheme: look.colorScheme,
        viewport: look.viewport,
      });
      try {
        const page = await context.newPage();
        await page.goto(`${site.url}/opener.html`);
        const config: OpenerConfig = {
          authorizeURL: sandbox.authorizeURL,
          authorizeOrigin: sandbox.authorizeOrigin,
          token: await signDeveloperToken(keys.privateKey),
          name: 'Café Ünïcødé',
          replyName: 'Café Ünïcødé',
        };
        await page.evaluate((value) => {
          (window as unknown as SiteWindow).openerConfig = value;
        }, config);
        const opened = page.waitForEvent('popup');
        await page.click('#open');
        const popup = await opened;
        await popup.setViewportSize(look.viewport);
        await popup.waitForFunction(
          () => (document.getElementById('allow') as HTMLButtonElement | null)?.disabled === false,
          undefined,
          { polling: 50 },
        );
        expect(await axeViolations(popup)).toEqual([]);
      } finally {
        await context.close();
      }
    },
  );
});
