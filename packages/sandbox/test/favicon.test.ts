// Every page the sandbox serves carries its icon inline (issue 21: a favicon
// 404 on every page), and its CSP lets the browser show it.
import { describe, expect, it } from 'vitest';
import { startSandbox } from '../src/index.js';
import { createKeyPair, KEY_ID, signDeveloperToken, TEAM_ID } from './support/developer-tokens.js';
import { popupURL } from './support/popup-url.js';

const keys = await createKeyPair();

/** The `href` of the page's `<link rel="icon">`, if any. */
const iconOf = (html: string) => /<link rel="icon" href="([^"]+)">/.exec(html)?.[1];

describe('the sandbox pages', () => {
  it('the index, the popup and the popup error page each have an inline icon their CSP allows', async () => {
    const sandbox = await startSandbox({
      teamId: TEAM_ID,
      keyId: KEY_ID,
      publicKey: keys.publicKey,
    });
    try {
      const token = await signDeveloperToken(keys.privateKey);
      const pages = {
        index: `${sandbox.url}/`,
        popup: popupURL(sandbox.authorizeURL, { token, referrer: 'http://127.0.0.1:3000/login' }),
        refusal: popupURL(sandbox.authorizeURL, {
          token: await signDeveloperToken(keys.privateKey, { iss: 'OTHER12345' }),
          referrer: 'http://127.0.0.1:3000/login',
        }),
      };
      for (const [name, url] of Object.entries(pages)) {
        const response = await fetch(url);
        expect(response.headers.get('content-type'), name).toMatch(/^text\/html/);
        expect(iconOf(await response.text()), name).toMatch(/^data:image\/svg\+xml,%3Csvg/);
        const csp = response.headers.get('content-security-policy') ?? '';
        expect(/(?:^|;\s*)img-src [^;]*\bdata:/.test(csp), name).toBe(true);
      }
    } finally {
      await sandbox.close();
    }
  });
});
