import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type RenderBridgePageOptions, renderBridgePage } from '../../src/pages/bridge-page.js';
import { bridgeScript } from '../../src/pages/bridge-script.generated.js';
import { thrownBy } from '../support/errors.js';

const HOSTILE_NAMES = [
  '</script><script>alert(1)</script>',
  `"'><img src=x onerror=alert(1)>`,
  'Tom & Jerry <3 \u2028\u2029 </style>',
];

/** The CSP nonce a page's headers name for its scripts. */
function nonceOf(page: { headers: Record<string, string> }): string {
  return /'nonce-([^']+)'/.exec(page.headers['Content-Security-Policy'] ?? '')?.[1] ?? '';
}

function randomToken(): string {
  return [12, 40, 64].map((size) => randomBytes(size).toString('base64url')).join('.');
}

function baseOptions(overrides: Partial<RenderBridgePageOptions> = {}): RenderBridgePageOptions {
  return {
    appName: 'My App',
    developerToken: randomToken(),
    state: randomBytes(48).toString('base64url'),
    callbackURL: 'https://app.example/auth/apple-music/callback',
    ...overrides,
  };
}

function configBlock(body: string): { raw: string; value: unknown } {
  const match =
    /<script type="application\/json" id="apple-music-auth-config" nonce="[^"]+">([\s\S]*?)<\/script>/.exec(
      body,
    );
  expect(match).not.toBeNull();
  const raw = (match as RegExpExecArray)[1] as string;
  return { raw, value: JSON.parse(raw) };
}

function cspDirectives(csp: string): Record<string, string[]> {
  return Object.fromEntries(
    csp.split(';').map((directive) => {
      const [name = '', ...sources] = directive.trim().split(/\s+/);
      return [name, sources];
    }),
  );
}

function openingTags(body: string, tag: string): string[] {
  return body.match(new RegExp(`<${tag}\\b[^>]*>`, 'gi')) ?? [];
}

function expectInvalid(options: RenderBridgePageOptions, field: string): void {
  const error = thrownBy(() => renderBridgePage(options));
  expect(error.code).toBe('ERR_INVALID_OPTIONS');
  expect(error.message).toContain(`\`${field}\``);
  if (options.developerToken.trim() !== '') {
    expect(error.message).not.toContain(options.developerToken);
  }
}

describe('renderBridgePage', () => {
  it.each(HOSTILE_NAMES)('keeps the app name %j inert text', (appName) => {
    const { body } = renderBridgePage(baseOptions({ appName }));
    expect(body).not.toContain(appName);
    expect(body).not.toContain('<script>alert');
    expect(openingTags(body, 'script')).toHaveLength(2);
    expect(openingTags(body, 'img')).toHaveLength(0);
    expect(openingTags(body, 'style')).toHaveLength(1);
    const escaped = appName
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&#39;')
      .replace(/[^\0-\x7f]/gu, (char) => `&#x${char.codePointAt(0)?.toString(16)};`);
    expect(body).toContain(`<h1>${escaped}</h1>`);
    expect(body).toContain(`<title>Connect Apple Music &#xb7; ${escaped}</title>`);
    const { raw, value } = configBlock(body);
    expect(raw).not.toMatch(/[<>&\u2028\u2029]/);
    expect((value as { appName: string }).appName).toBe(appName);
  });

  it('is ASCII only, whatever the app name, so Node writes it without re-encoding', () => {
    const { body, headers } = renderBridgePage(baseOptions({ appName: 'Café Müsik 音楽 🎵' }));
    expect(body).toMatch(/^[\0-\x7f]*$/);
    expect(body).toContain('<h1>Caf&#xe9; M&#xfc;sik &#x97f3;&#x697d; &#x1f3b5;</h1>');
    expect(Object.values(headers).join('')).toMatch(/^[\0-\x7f]*$/);
  });

  it('puts the exact config in the JSON block', () => {
    const options = baseOptions({
      appName: 'Café Müsik 音楽 🎵',
      appIconURL: 'https://cdn.example/icon.png?v=1&s=2',
      authorizeURL: 'http://127.0.0.1:4010/woa',
    });
    const { body } = renderBridgePage(options);
    expect(configBlock(body).value).toEqual({
      ui: 'popup',
      appName: 'Café Müsik 音楽 🎵',
      appIconURL: 'https://cdn.example/icon.png?v=1&s=2',
      appBuild: '1.0.0',
      developerToken: options.developerToken,
      state: options.state,
      callbackURL: 'https://app.example/auth/apple-music/callback',
      authorizeURL: 'http://127.0.0.1:4010/woa',
      authorizeOrigin: 'http://127.0.0.1:4010',
    });
    expect(openingTags(body, 'img')).toEqual([
      '<img class="icon" src="https://cdn.example/icon.png?v=1&amp;s=2" alt="" width="72" height="72">',
    ]);
  });

  it('sends every header of the popup page', () => {
    const page = renderBridgePage(
      baseOptions({
        appIconURL: 'https://cdn.example/icon.png',
        nonce: 'AAAAAAAAAAAAAAAAAAAAAA==',
      }),
    );
    expect(page.status).toBe(200);
    expect(page.headers).toEqual({
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy':
        "default-src 'none'; script-src 'nonce-AAAAAAAAAAAAAAAAAAAAAA=='; style-src 'nonce-AAAAAAAAAAAAAAAAAAAAAA=='; img-src data: https://cdn.example; connect-src 'none'; form-action https://app.example; frame-ancestors 'none'; base-uri 'none'",
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'Cross-Origin-Opener-Policy': 'same-origin-allow-popups',
      'Referrer-Policy': 'strict-origin-when-cross-origin',
    });
  });

  it('opens the CSP to MusicKit only in musickit mode', () => {
    const popup = cspDirectives(
      renderBridgePage(baseOptions()).headers['Content-Security-Policy'] as string,
    );
    const page = renderBridgePage(baseOptions({ ui: 'musickit', teamId: 'ABCDE12345' }));
    const musicKit = cspDirectives(page.headers['Content-Security-Policy'] as string);
    expect(popup['script-src']).toHaveLength(1);
    expect(popup['connect-src']).toEqual(["'none'"]);
    expect(popup['img-src']).toEqual(['data:']);
    expect(musicKit['script-src']).toEqual([
      `'nonce-${nonceOf(page)}'`,
      'https://js-cdn.music.apple.com',
    ]);
    expect(musicKit['connect-src']).toEqual([
      'https://api.music.apple.com',
      'https://play.itunes.apple.com',
    ]);
    expect(openingTags(page.body, 'script')).toContain(
      `<script nonce="${nonceOf(page)}" src="https://js-cdn.music.apple.com/musickit/v3/musickit.js" async>`,
    );
    expect((configBlock(page.body).value as { teamId: string }).teamId).toBe('ABCDE12345');

    const sandbox = cspDirectives(
      renderBridgePage(
        baseOptions({
          ui: 'musickit',
          teamId: 'ABCDE12345',
          musicKitScriptURL: 'http://127.0.0.1:4010/musickit.js',
          apiURL: 'http://127.0.0.1:4010',
        }),
      ).headers['Content-Security-Policy'] as string,
    );
    expect(sandbox['script-src']?.[1]).toBe('http://127.0.0.1:4010');
    expect(sandbox['connect-src']).toEqual([
      'http://127.0.0.1:4010',
      'https://play.itunes.apple.com',
    ]);
  });

  it('uses a fresh nonce per response, on every script and style tag', () => {
    const nonces = new Set<string>();
    for (const ui of ['popup', 'popup', 'musickit'] as const) {
      const page = renderBridgePage(baseOptions({ ui, teamId: 'ABCDE12345' }));
      const nonce = nonceOf(page);
      expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
      nonces.add(nonce);
      const csp = cspDirectives(page.headers['Content-Security-Policy'] as string);
      expect(csp['script-src']?.[0]).toBe(`'nonce-${nonce}'`);
      expect(csp['style-src']).toEqual([`'nonce-${nonce}'`]);
      const tags = [...openingTags(page.body, 'script'), ...openingTags(page.body, 'style')];
      expect(tags.length).toBeGreaterThanOrEqual(3);
      for (const tag of tags) expect(tag).toContain(` nonce="${nonce}"`);
    }
    expect(nonces.size).toBe(3);
  });

  it('never puts the developer token or the state in a URL', () => {
    const options = baseOptions({
      ui: 'musickit',
      teamId: 'ABCDE12345',
      appIconURL: 'https://cdn.example/icon.png',
    });
    const { body } = renderBridgePage(options);
    const urls = [...body.matchAll(/\b(?:src|href|action)="([^"]*)"/g)].map((match) => match[1]);
    expect(urls.length).toBeGreaterThan(0);
    for (const url of urls) {
      expect(url).not.toContain(options.developerToken);
      expect(url).not.toContain(options.state);
    }
    expect(body.split(options.developerToken)).toHaveLength(2);
    expect(body.split(options.state)).toHaveLength(2);
  });

  it('is a readable page: lang, viewport, colour schemes, one button, live status, noscript', () => {
    const { body } = renderBridgePage(baseOptions({ lang: 'pt-BR' }));
    expect(body).toMatch(/^<!doctype html>\n<html lang="pt-BR">/);
    expect(body).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(body).toContain('prefers-color-scheme:dark');
    expect(openingTags(body, 'button')).toHaveLength(1);
    expect(body).toContain('<span>Continue with Apple Music</span></button>');
    expect(body).toMatch(
      /<p class="status" id="apple-music-auth-status" role="status" aria-live="polite"><\/p>/,
    );
    expect(body).toContain('<noscript>');
    // No resource from elsewhere: MusicKit's CDN and inline data only.
    expect(body).not.toMatch(/\b(?:src|href)="(?!https:\/\/js-cdn|data:)/);
    expect(body).toMatch(/<link rel="icon" href="data:image\/svg\+xml,[^"]+">/);
  });

  it('inlines the bundled browser script safely', () => {
    expect(bridgeScript.length).toBeGreaterThan(1000);
    expect(bridgeScript).not.toMatch(/<\/script|<!--/i);
    expect(bridgeScript).toContain('apple-music-service-view');
    const { body } = renderBridgePage(baseOptions());
    expect(body).toContain(bridgeScript);
  });

  it('rejects bad options naming the field', () => {
    expectInvalid(baseOptions({ appName: '' }), 'appName');
    expectInvalid(baseOptions({ developerToken: ' ' }), 'developerToken');
    expectInvalid(baseOptions({ state: '' }), 'state');
    expectInvalid(baseOptions({ callbackURL: '/callback' }), 'callbackURL');
    expectInvalid(baseOptions({ callbackURL: 'http://app.example/callback' }), 'callbackURL');
    expectInvalid(baseOptions({ appIconURL: 'http://cdn.example/icon.png' }), 'appIconURL');
    expectInvalid(baseOptions({ authorizeURL: 'https://a.example/woa?x=1' }), 'authorizeURL');
    expectInvalid(baseOptions({ authorizeOrigin: 'https://a.example/woa' }), 'authorizeOrigin');
    expectInvalid(baseOptions({ ui: 'redirect' as 'popup' }), 'ui');
    expectInvalid(baseOptions({ ui: 'musickit' }), 'teamId');
    expectInvalid(baseOptions({ ui: 'musickit', teamId: 'abcde12345' }), 'teamId');
    expectInvalid(
      baseOptions({ ui: 'musickit', teamId: 'ABCDE12345', apiURL: 'ftp://x' }),
      'apiURL',
    );
    expectInvalid(
      baseOptions({
        ui: 'musickit',
        teamId: 'ABCDE12345',
        musicKitScriptURL: 'http://cdn.example/mk.js',
      }),
      'musicKitScriptURL',
    );
    expectInvalid(baseOptions({ nonce: 'short' }), 'nonce');
    expectInvalid(baseOptions({ nonce: `${'A'.repeat(22)}"><script>` }), 'nonce');
    expectInvalid(baseOptions({ lang: 'en"><script>' }), 'lang');
    expectInvalid(baseOptions({ appBuild: '' }), 'appBuild');
  });

  it('allows http callbacks on loopback for development', () => {
    const page = renderBridgePage(baseOptions({ callbackURL: 'http://localhost:3000/callback' }));
    expect(cspDirectives(page.headers['Content-Security-Policy'] as string)['form-action']).toEqual(
      ['http://localhost:3000'],
    );
  });
});
