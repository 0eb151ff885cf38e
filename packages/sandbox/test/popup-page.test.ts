import { Script } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { createKeyPair, signDeveloperToken } from './support/developer-tokens.js';
import { encodeA, popupURL } from './support/popup-url.js';
import { useSandbox } from './support/sandbox.js';

const REFERRER = 'https://app.example/auth/apple-music?x=1';

const fixture = useSandbox();

async function page(url: string): Promise<{ status: number; html: string; response: Response }> {
  const response = await fetch(url);
  return { status: response.status, html: await response.text(), response };
}

function configOf(html: string): Record<string, unknown> {
  const match = /<script type="application\/json" id="sandbox-config">(.*?)<\/script>/s.exec(html);
  if (!match?.[1]) throw new Error('no sandbox-config block in the page');
  return JSON.parse(match[1]);
}

describe('GET /woa', () => {
  it('decodes a as Apple’s page does (atob, JSON.parse): raw UTF-8 shows as mojibake', async () => {
    const raw = Buffer.from(
      JSON.stringify({ thirdPartyName: 'Café', thirdPartyToken: fixture.developerToken }),
    ).toString('base64');
    const { status, html } = await page(
      popupURL(
        fixture.sandbox.authorizeURL,
        { token: fixture.developerToken, referrer: REFERRER },
        raw,
      ),
    );
    expect(status).toBe(200);
    expect(html).toContain('<span id="app-name">CafÃ©</span>');
  });

  it('decodes a valid a (\\u-escaped JSON in standard base64) and shows the app, escaped', async () => {
    const name = 'Café 音楽 <b>bold</b> & "quotes"';
    const { status, html, response } = await page(
      popupURL(fixture.sandbox.authorizeURL, {
        token: fixture.developerToken,
        name,
        icon: 'https://app.example/icon.png?a=1&b="2"',
        referrer: REFERRER,
      }),
    );
    expect(status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(html).toContain(
      '<span id="app-name">Café 音楽 &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quotes&quot;</span>',
    );
    expect(html).not.toContain('<b>bold</b>');
    expect(html).toContain('src="https://app.example/icon.png?a=1&amp;b=%222%22"');
    expect(configOf(html)).toMatchObject({
      mode: 'authorize',
      outcome: 'manual',
      restricted: false,
      referrer: REFERRER,
      referrerOrigin: 'https://app.example',
      authorizeEndpoint: '/woa/authorize',
    });
    for (const id of ['allow', 'decline', 'unavailable', 'close', 'restricted']) {
      expect(html).toContain(`id="${id}"`);
    }
  });

  it('sends a CSP whose nonce is the one on the inline style and script', async () => {
    const { html, response } = await page(
      popupURL(fixture.sandbox.authorizeURL, { token: fixture.developerToken, referrer: REFERRER }),
    );
    const csp = response.headers.get('content-security-policy') ?? '';
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`style-src 'nonce-${nonce}'`);
    expect(csp).toContain("connect-src 'self'");
    const scriptNonces = [...html.matchAll(/<(?:script|style) nonce="([^"]+)"/g)].map((m) => m[1]);
    expect(scriptNonces).toEqual([nonce, nonce]);
    expect(html).not.toMatch(/<script(?![^>]*(?:nonce=|type="application\/json"))/);
    // Nothing from elsewhere: the app's icon, and the page's own inline favicon.
    expect(html).not.toMatch(/(?:src|href)="(?!https:\/\/app\.example|data:)/);
    expect(response.headers.get('cross-origin-opener-policy')).toBeNull();
  });

  it('shows the referrer host when a has no name, and keeps a hostile referrer inert', async () => {
    const hostile = 'https://app.example/</script><script>alert(1)</script>';
    const { status, html } = await page(
      popupURL(fixture.sandbox.authorizeURL, { token: fixture.developerToken, referrer: hostile }),
    );
    expect(status).toBe(200);
    expect(html).toContain('<span id="app-name">app.example</span>');
    expect(html).not.toContain('<script>alert(1)');
    expect(configOf(html).referrer).toBe(hostile);
  });

  it.each([
    ['a missing', (url: string) => url.replace(/a=[^&]*&/, ''), /The a parameter is missing/],
    [
      'a with a + turned into a space',
      () =>
        `${fixture.sandbox.authorizeURL}?a=ab+c&referrer=${encodeURIComponent(REFERRER)}&app=music&p=subscribe`,
      /contains spaces: a "\+" of its base64 was not percent-encoded/,
    ],
    [
      'URL-safe base64',
      () => withA(encodeA({ token: '>>>?' }).replace(/[+/]/g, '-')),
      /not standard base64/,
    ],
    [
      'not JSON',
      () => withA(Buffer.from('{oops').toString('base64')),
      /does not decode to JSON \(atob, then JSON.parse\)/,
    ],
    ['binary', () => withA(Buffer.from([0xff, 0xfe, 0x7b]).toString('base64')), /decode to JSON/],
    [
      'a JSON array',
      () => withA(Buffer.from('[1]').toString('base64')),
      /must decode to a JSON object/,
    ],
    [
      'no token',
      () => withA(Buffer.from('{"thirdPartyName":"x"}').toString('base64')),
      /no thirdPartyToken/,
    ],
    [
      'app not music',
      (url: string) => url.replace('app=music', 'app=tv'),
      /app parameter must be "music"/,
    ],
    [
      'p not subscribe',
      (url: string) => url.replace('p=subscribe', 'p=x'),
      /p parameter must be "subscribe"/,
    ],
    [
      'no referrer',
      (url: string) => url.replace(/referrer=[^&]*&/, ''),
      /referrer parameter is missing/,
    ],
    [
      'relative referrer',
      (url: string) => url.replace(/referrer=[^&]*&/, 'referrer=%2Fauth&'),
      /not an absolute URL/,
    ],
  ])('shows an error page (400) for %s', async (_label, mangle, problem) => {
    const good = popupURL(fixture.sandbox.authorizeURL, {
      token: fixture.developerToken,
      referrer: REFERRER,
    });
    const { status, html } = await page(mangle(good));
    expect(status).toBe(400);
    expect(html).toContain('This authorization request cannot be shown');
    expect(problemOf(html)).toMatch(problem);
    expect(configOf(html)).toEqual({ mode: 'error', outcome: 'manual' });
    expect(html).not.toContain('id="allow"');
  });

  it('shows an error page (401) for a developer token Apple would refuse, without the token', async () => {
    const other = await createKeyPair();
    const forged = await signDeveloperToken(other.privateKey);
    const { status, html } = await page(
      popupURL(fixture.sandbox.authorizeURL, { token: forged, referrer: REFERRER }),
    );
    expect(status).toBe(401);
    expect(problemOf(html)).toMatch(
      /^Apple would refuse this developer token: .*signature does not verify/,
    );
    expect(html).not.toContain(forged);
    expect(html).not.toContain('id="allow"');
  });

  it("refuses a token whose origin claim does not list the referrer's origin", async () => {
    const token = await signDeveloperToken(fixture.keys.privateKey, {
      origin: ['https://other.example'],
    });
    const refused = await page(
      popupURL(fixture.sandbox.authorizeURL, { token, referrer: REFERRER }),
    );
    expect(refused.status).toBe(401);
    expect(refused.html).toContain('https://app.example is not listed');
    const allowed = await page(
      popupURL(fixture.sandbox.authorizeURL, { token, referrer: 'https://other.example/bridge' }),
    );
    expect(allowed.status).toBe(200);
  });

  it('puts the current outcome and restricted flag in the page', async () => {
    fixture.sandbox.setOutcome('decline');
    fixture.sandbox.setRestricted(true);
    try {
      const { html } = await page(
        popupURL(fixture.sandbox.authorizeURL, {
          token: fixture.developerToken,
          referrer: REFERRER,
        }),
      );
      expect(configOf(html)).toMatchObject({ outcome: 'decline', restricted: true });
    } finally {
      fixture.sandbox.setOutcome('manual');
      fixture.sandbox.setRestricted(false);
    }
  });

  it('serves a client script that parses', async () => {
    const { html } = await page(
      popupURL(fixture.sandbox.authorizeURL, { token: fixture.developerToken, referrer: REFERRER }),
    );
    const source = /<script nonce="[^"]+">(.*?)<\/script>/s.exec(html)?.[1] ?? '';
    expect(source).toContain('method: method');
    expect(() => new Script(source)).not.toThrow();
  });
});

describe('POST /woa/authorize', () => {
  function grant(body: unknown): Promise<Response> {
    return fetch(`${fixture.sandbox.authorizeURL}/authorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  it('issues a token the API accepts, remembering restricted', async () => {
    const response = await grant({
      thirdPartyToken: fixture.developerToken,
      referrer: REFERRER,
      restricted: true,
    });
    expect(response.status).toBe(200);
    const { userToken, cid } = await response.json();
    expect(cid).toMatch(/^[0-9a-f]{32}$/);
    const storefront = await fetch(`${fixture.sandbox.apiURL}/v1/me/storefront`, {
      headers: { authorization: `Bearer ${fixture.developerToken}`, 'music-user-token': userToken },
    });
    expect(storefront.status).toBe(200);
  });

  it('refuses a bad developer token or body, issuing nothing', async () => {
    const other = await createKeyPair();
    const forged = await signDeveloperToken(other.privateKey);
    const refused = await grant({ thirdPartyToken: forged, referrer: REFERRER, restricted: false });
    expect(refused.status).toBe(401);
    expect(JSON.stringify(await refused.json())).not.toContain(forged);
    expect((await grant({ thirdPartyToken: fixture.developerToken })).status).toBe(400);
    expect(
      (
        await grant({
          thirdPartyToken: fixture.developerToken,
          referrer: 'nope',
          restricted: false,
        })
      ).status,
    ).toBe(400);
  });
});

/** The error page's problem paragraph as text. */
function problemOf(html: string): string {
  const escaped = /<p id="status" class="error">(.*?)<\/p>/s.exec(html)?.[1] ?? '';
  return escaped
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&amp;', '&');
}

function withA(a: string): string {
  return popupURL(fixture.sandbox.authorizeURL, { token: '', referrer: REFERRER }, a);
}
