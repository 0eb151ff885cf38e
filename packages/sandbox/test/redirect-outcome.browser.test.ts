// The popup's `redirect` outcome in Chromium: Apple's page without an opener
// hands the token back in `referrer#<base64 JSON>` (docs/protocol.md section 7).
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithChromium, launchChromium } from '../../../testing/chromium.js';
import { type Sandbox, startSandbox } from '../src/index.js';
import { createKeyPair, KEY_ID, signDeveloperToken, TEAM_ID } from './support/developer-tokens.js';
import { type OpenerSite, startOpenerSite } from './support/opener-site.js';
import { popupURL } from './support/popup-url.js';

/** The hash MusicKit v3 reads on load (docs/protocol.md section 7). */
const RESULT_HASH = /^#([A-Za-z0-9+/]{200,}={0,2})$/;

describeWithChromium('the sandbox popup in redirect mode, in Chromium', () => {
  let browser: Browser;
  let sandbox: Sandbox;
  let site: OpenerSite;
  let developerToken: string;
  let page: Page;

  beforeAll(async () => {
    const keys = await createKeyPair();
    [browser, sandbox, site, developerToken] = await Promise.all([
      launchChromium(),
      startSandbox({
        teamId: TEAM_ID,
        keyId: KEY_ID,
        publicKey: keys.publicKey,
        outcome: 'redirect',
      }),
      startOpenerSite(),
      signDeveloperToken(keys.privateKey),
    ]);
    page = await browser.newPage();
  });
  afterAll(async () => {
    await Promise.all([browser?.close(), sandbox?.close(), site?.close()]);
  });

  it.each([
    [false, '0'],
    [true, '1'],
  ])(
    'without an opener, redirects to referrer#<result> (restricted %s: itre %s)',
    async (restricted, itre) => {
      sandbox.setRestricted(restricted);
      const referrer = `${site.url}/opener.html?step=1`;
      await page.goto(popupURL(sandbox.authorizeURL, { token: developerToken, referrer }));
      await page.waitForURL((url) => url.href.startsWith(`${referrer}#`));
      const hash = new URL(page.url()).hash;
      expect(hash).toMatch(RESULT_HASH);
      const result = JSON.parse(Buffer.from(hash.slice(1), 'base64').toString('utf8'));
      expect(result).toEqual({ itre, musicUserToken: expect.any(String), cid: expect.any(String) });

      const storefront = await fetch(`${sandbox.apiURL}/v1/me/storefront`, {
        headers: {
          authorization: `Bearer ${developerToken}`,
          'music-user-token': result.musicUserToken,
        },
      });
      expect(storefront.status).toBe(200);
    },
  );
});
