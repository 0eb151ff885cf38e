import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AppleMusicAuthError } from '../../src/errors.js';
import { buildAuthorizeURL, buildThirdPartyInfo } from '../../src/protocol/authorize-url.js';
import { thrownBy } from '../support/errors.js';

const referrer = 'https://app.example/auth/apple-music?returnTo=%2Fhome';

function randomToken(): string {
  return [12, 40, 64].map((size) => randomBytes(size).toString('base64url')).join('.');
}

/** Splits the query by hand, so order and encoding are checked, not normalized. */
function decodeURL(url: string) {
  const [base, query = ''] = url.split('?');
  const pairs = query.split('&').map((pair) => {
    const [key = '', value = ''] = pair.split('=');
    return { key: decodeURIComponent(key), raw: value, value: decodeURIComponent(value) };
  });
  const a = pairs.find((pair) => pair.key === 'a')?.value ?? '';
  const json = Buffer.from(a, 'base64').toString('utf8');
  return { base, pairs, a, json, payload: JSON.parse(json) as Record<string, unknown> };
}

function expectInvalid(run: () => unknown, field: string): AppleMusicAuthError {
  const error = thrownBy(run);
  expect(error.code).toBe('ERR_INVALID_OPTIONS');
  expect(error.message).toContain(`\`${field}\``);
  return error;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('buildAuthorizeURL', () => {
  it('puts a, referrer, app=music, p=subscribe in that order on Apple’s popup URL', () => {
    const developerToken = randomToken();
    const url = buildAuthorizeURL({ developerToken, appName: 'My App', referrer });
    const { base, pairs } = decodeURL(url);
    expect(base).toBe('https://authorize.music.apple.com/woa');
    expect(pairs.map((pair) => pair.key)).toEqual(['a', 'referrer', 'app', 'p']);
    expect(pairs[1]?.value).toBe(referrer);
    expect(pairs[1]?.raw).toBe(encodeURIComponent(referrer));
    expect(pairs[2]?.value).toBe('music');
    expect(pairs[3]?.value).toBe('subscribe');
  });

  it('encodes the third-party JSON with its keys in order and the exact values', () => {
    const developerToken = randomToken();
    const { json, payload } = decodeURL(
      buildAuthorizeURL({
        developerToken,
        appName: 'My App',
        appIconURL: 'https://app.example/icon.png',
        referrer,
      }),
    );
    expect(Object.keys(payload)).toEqual([
      'thirdPartyIconURL',
      'thirdPartyName',
      'thirdPartyToken',
    ]);
    expect(payload).toEqual({
      thirdPartyIconURL: 'https://app.example/icon.png',
      thirdPartyName: 'My App',
      thirdPartyToken: developerToken,
    });
    expect(json).toBe(
      `{"thirdPartyIconURL":"https://app.example/icon.png","thirdPartyName":"My App","thirdPartyToken":"${developerToken}"}`,
    );
  });

  it('drops undefined keys', () => {
    const developerToken = randomToken();
    expect(decodeURL(buildAuthorizeURL({ developerToken, referrer })).payload).toEqual({
      thirdPartyToken: developerToken,
    });
    const withIcon = decodeURL(
      buildAuthorizeURL({ developerToken, appIconURL: 'https://app.example/i.png', referrer }),
    ).payload;
    expect(Object.keys(withIcon)).toEqual(['thirdPartyIconURL', 'thirdPartyToken']);
  });

  it('uses standard base64 (+ / and = padding), percent-encoded in the query', () => {
    // Find names whose base64 holds both '+' and '/' and needs padding: URL-safe
    // base64 or unencoded output would then differ.
    const developerToken = randomToken();
    let found: ReturnType<typeof decodeURL> | undefined;
    for (let index = 0; found === undefined && index < 5000; index += 1) {
      const candidate = decodeURL(
        buildAuthorizeURL({ developerToken, appName: `App ${index} ?~~>`, referrer }),
      );
      if (/\+/.test(candidate.a) && /\//.test(candidate.a) && candidate.a.endsWith('=')) {
        found = candidate;
      }
    }
    expect(found).toBeDefined();
    const { a, json, pairs } = found as ReturnType<typeof decodeURL>;
    expect(a).toMatch(/^[A-Za-z0-9+/]+={1,2}$/);
    expect(a).toBe(Buffer.from(json, 'utf8').toString('base64'));
    expect(pairs[0]?.raw).toBe(encodeURIComponent(a));
    expect(pairs[0]?.raw).toMatch(/%2B/);
    expect(pairs[0]?.raw).toMatch(/%2F/);
    expect(pairs[0]?.raw).toMatch(/%3D$/);
  });

  it('escapes every non-ASCII character as \\uXXXX, so atob then JSON.parse reads the name', () => {
    const appName = 'Café Ünïcødé 音楽 🎵';
    const developerToken = randomToken();
    const { a } = decodeURL(buildAuthorizeURL({ developerToken, appName, referrer }));
    const text = atob(a);
    expect(text).toMatch(/^[\x20-\x7e]*$/);
    expect(text).toBe(
      `{"thirdPartyName":"Caf\\u00e9 \\u00dcn\\u00efc\\u00f8d\\u00e9 \\u97f3\\u697d \\ud83c\\udfb5","thirdPartyToken":"${developerToken}"}`,
    );
    expect(JSON.parse(text).thirdPartyName).toBe(appName);
  });

  it('is byte for byte MusicKit’s btoa(JSON.stringify(…)) for ASCII names', () => {
    const developerToken = randomToken();
    const fields = {
      thirdPartyIconURL: 'https://app.example/icon.png',
      thirdPartyName: 'app.example:8443',
      thirdPartyToken: developerToken,
    };
    const { a } = decodeURL(
      buildAuthorizeURL({
        developerToken,
        appName: fields.thirdPartyName,
        appIconURL: fields.thirdPartyIconURL,
        referrer,
      }),
    );
    expect(a).toBe(btoa(JSON.stringify(fields)));
  });

  it('handles developer tokens larger than one encoding chunk', () => {
    const developerToken = randomBytes(60_000).toString('base64url');
    const { payload } = decodeURL(buildAuthorizeURL({ developerToken, referrer }));
    expect(payload.thirdPartyToken).toBe(developerToken);
  });

  it('needs neither Buffer nor any Node API', () => {
    vi.stubGlobal('Buffer', undefined);
    const developerToken = randomToken();
    const url = buildAuthorizeURL({ developerToken, appName: 'Café 🎵', referrer });
    vi.unstubAllGlobals();
    expect(decodeURL(url).payload).toEqual({
      thirdPartyName: 'Café 🎵',
      thirdPartyToken: developerToken,
    });
  });

  it('takes a sandbox baseURL, http only on loopback', () => {
    const url = buildAuthorizeURL({
      developerToken: randomToken(),
      referrer: 'http://127.0.0.1:3000/login',
      appIconURL: 'http://localhost:3000/icon.png',
      baseURL: 'http://127.0.0.1:4010/woa',
    });
    expect(decodeURL(url).base).toBe('http://127.0.0.1:4010/woa');
    expectInvalid(
      () =>
        buildAuthorizeURL({
          developerToken: 'x',
          referrer,
          baseURL: 'http://sandbox.example/woa',
        }),
      'baseURL',
    );
    expectInvalid(
      () =>
        buildAuthorizeURL({ developerToken: 'x', referrer, baseURL: 'https://a.example/woa?x=1' }),
      'baseURL',
    );
  });

  it('rejects bad options naming the field, never echoing the token', () => {
    const developerToken = randomToken();
    expectInvalid(() => buildAuthorizeURL({ developerToken: '', referrer }), 'developerToken');
    expectInvalid(
      () => buildAuthorizeURL({ developerToken: undefined as unknown as string, referrer }),
      'developerToken',
    );
    const errors = [
      expectInvalid(() => buildAuthorizeURL({ developerToken, referrer: '/login' }), 'referrer'),
      expectInvalid(
        () => buildAuthorizeURL({ developerToken, referrer: 'javascript:alert(1)' }),
        'referrer',
      ),
      expectInvalid(
        () => buildAuthorizeURL({ developerToken, referrer: `${referrer}#done` }),
        'referrer',
      ),
      expectInvalid(
        () => buildAuthorizeURL({ developerToken, referrer: 'https://user:pw@app.example/login' }),
        'referrer',
      ),
      expectInvalid(
        () =>
          buildAuthorizeURL({ developerToken, referrer, appIconURL: 'http://app.example/i.png' }),
        'appIconURL',
      ),
      expectInvalid(
        () => buildAuthorizeURL({ developerToken, referrer, appIconURL: 'icon.png' }),
        'appIconURL',
      ),
      expectInvalid(() => buildAuthorizeURL({ developerToken, referrer, appName: ' ' }), 'appName'),
    ];
    for (const error of errors) expect(error.message).not.toContain(developerToken);
  });
});

describe('buildThirdPartyInfo', () => {
  it('is a JSON string with thirdPartyParameters {} and keys in MusicKit’s order', () => {
    const developerToken = randomToken();
    const info = buildThirdPartyInfo({
      developerToken,
      appName: 'Café 🎵',
      appIconURL: 'https://app.example/icon.png',
    });
    expect(typeof info).toBe('string');
    const parsed = JSON.parse(info) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual([
      'thirdPartyIconURL',
      'thirdPartyName',
      'thirdPartyParameters',
      'thirdPartyToken',
    ]);
    expect(parsed).toEqual({
      thirdPartyIconURL: 'https://app.example/icon.png',
      thirdPartyName: 'Café 🎵',
      thirdPartyParameters: {},
      thirdPartyToken: developerToken,
    });
    expect(Object.keys(JSON.parse(buildThirdPartyInfo({ developerToken })))).toEqual([
      'thirdPartyParameters',
      'thirdPartyToken',
    ]);
  });
});
