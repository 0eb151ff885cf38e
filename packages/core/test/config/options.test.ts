import { generateKeyPairSync } from 'node:crypto';
import { parseSetCookie } from 'cookie';
import { decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { Agent } from 'undici';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import {
  APPLE_ENDPOINTS,
  type AppleMusicAuthError,
  type AppleMusicAuthOptions,
  MAX_DEVELOPER_TOKEN_LIFETIME_SECONDS,
} from '../../src/index.js';
import { thrownBy } from '../support/errors.js';
import { generateP256 } from '../support/generated-keys.js';
import { createAuthWithFlow } from '../support/login-flow.js';
import { wrongKeys } from '../support/wrong-keys.js';

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const CALLBACK_URL = 'https://app.example/auth/apple-music/callback';

/** Options that pass validation; each case below spoils one field. */
const valid = {
  teamId: 'TEAM123456',
  keyId: 'KEY1234567',
  privateKey,
  callbackURL: CALLBACK_URL,
  stateSecret: 'a-state-secret-that-is-long-enough-for-hmac',
} satisfies AppleMusicAuthOptions;

/** `createAppleMusicAuth` with options the types would refuse: what JavaScript callers can pass. */
function create(options: unknown) {
  return createAuthWithFlow(options as AppleMusicAuthOptions);
}

/** Asserts that `options` are refused at construction with a message naming `field`. */
function expectRefused(options: unknown, field: string): AppleMusicAuthError {
  const error = thrownBy(() => create(options));
  expect(error.code).toBe('ERR_INVALID_OPTIONS');
  expect(error.status).toBe(500);
  expect(error.message).toContain(`\`${field}`);
  return error;
}

/** The JSON config block the bridge page embeds. */
function bridgeConfig(body: string): Record<string, unknown> {
  const match =
    /<script type="application\/json" id="apple-music-auth-config"[^>]*>([^<]*)<\/script>/.exec(
      body,
    );
  if (match?.[1] === undefined) throw new Error('no config block in the bridge page');
  return JSON.parse(match[1]) as Record<string, unknown>;
}

const created: { close(): Promise<void> }[] = [];
afterAll(async () => {
  await Promise.all(created.map((auth) => auth.close()));
});

/** Creates an instance the suite closes afterwards. */
function accepted(options: unknown) {
  const auth = create(options);
  created.push(auth);
  return auth;
}

describe('createAppleMusicAuth: options are refused at construction', () => {
  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a string', 'TEAM123456'],
    ['an array', [valid]],
    ['a number', 42],
  ])('refuses %s as the options', (_name, options) => {
    const error = expectRefused(options, 'options');
    expect(error.message).toContain('teamId');
  });

  it('refuses an unknown option, naming it', () => {
    const error = expectRefused({ ...valid, sessionSecret: 'x' }, 'sessionSecret');
    expect(error.message).toContain('unknown option');
    expect(error.message).not.toContain('did you mean');
  });

  it.each([
    ['app', { name: 'x', icon: 'https://cdn.example/i.png' }, 'app.icon'],
    ['developerToken', { expiresin: '1d' }, 'developerToken.expiresin'],
    ['endpoints', { apiURL: 'https://proxy.example' }, 'endpoints.apiURL'],
  ])(
    'refuses an unknown key inside %s instead of falling back to a default',
    (field, value, named) => {
      const error = expectRefused({ ...valid, [field]: value }, named);
      expect(error.message).toContain('unknown option');
    },
  );

  it('suggests the right spelling inside a nested option', () => {
    const error = expectRefused(
      { ...valid, developerToken: { expiresin: '1d' } },
      'developerToken.expiresin',
    );
    expect(error.message).toContain('did you mean `developerToken.expiresIn`?');
  });

  it.each([
    ['teamID', 'teamId'],
    ['callbackUrl', 'callbackURL'],
    ['keyID', 'keyId'],
    ['statesecret', 'stateSecret'],
  ])('suggests the right spelling for %s', (wrong, right) => {
    const { [right as keyof typeof valid]: value, ...rest } = valid;
    const error = expectRefused({ ...rest, [wrong]: value }, wrong);
    expect(error.message).toContain(`did you mean \`${right}\`?`);
  });

  it.each([
    ['teamId', 'lowercase', 'team123456'],
    ['teamId', 'too short', 'TEAM12345'],
    ['teamId', 'padded', ' TEAM123456 '],
    ['teamId', 'a number', 1234567890],
    ['teamId', 'missing', undefined],
    ['keyId', 'too long', 'KEY12345678'],
    ['keyId', 'with a dash', 'KEY-123456'],
    ['keyId', 'missing', undefined],
  ])('refuses %s %s', (field, _name, value) => {
    expectRefused({ ...valid, [field]: value }, field);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['blank', '  \n '],
    ['null', null],
    ['a number', 42],
  ])('refuses a privateKey that is %s', (_name, value) => {
    const error = expectRefused({ ...valid, privateKey: value }, 'privateKey');
    expect(error.message).toContain('readPrivateKey');
  });

  it('refuses options without the privateKey key at all', () => {
    const { privateKey: _omitted, ...rest } = valid;
    expectRefused(rest, 'privateKey');
  });

  it.each([
    ['protocol-relative', '//evil.example/callback', 'absolute'],
    ['a path with a query', '/auth/callback?x=1', 'path'],
    ['a path with a backslash', '/auth\\callback', 'path'],
    ['not a URL', 'app.example/callback', 'absolute'],
    ['not http(s)', 'ftp://app.example/callback', 'absolute'],
    ['javascript:', 'javascript:alert(1)', 'absolute'],
    ['http on a public host', 'http://app.example/auth/apple-music/callback', 'https'],
    ['with a fragment', 'https://app.example/auth/apple-music/callback#done', 'fragment'],
    ['with credentials', 'https://user:secret@app.example/callback', 'user name or password'],
    ['a URL object', new URL(CALLBACK_URL), 'absolute'],
  ])('refuses a callbackURL that is %s', (_name, value, problem) => {
    const error = expectRefused({ ...valid, callbackURL: value }, 'callbackURL');
    expect(error.message).toContain(problem);
  });

  it('refuses a missing state secret with the cookie store, pointing at the session store', () => {
    const { stateSecret: _omitted, ...rest } = valid;
    expect(expectRefused(rest, 'state.secret').message).toContain('store: "session"');
    expectRefused({ ...rest, state: { store: 'cookie' } }, 'state.secret');
  });

  it.each([
    ['too short', 'short-secret', 'stateSecret'],
    ['31 characters', 'x'.repeat(31), 'stateSecret'],
    ['an empty list', [], 'stateSecret'],
    ['a list with a short entry', ['x'.repeat(32), 'short'], 'stateSecret[1]'],
    ['a list with a number', [12345], 'stateSecret[0]'],
    ['a number', 12345, 'stateSecret'],
  ])('refuses a stateSecret that is %s', (_name, value, field) => {
    expectRefused({ ...valid, stateSecret: value }, field);
  });

  it('still checks a stateSecret given with the session store', () => {
    expectRefused({ ...valid, stateStore: 'session', stateSecret: 'short' }, 'stateSecret');
  });

  it('refuses an unknown stateStore', () => {
    expect(expectRefused({ ...valid, stateStore: 'redis' }, 'stateStore').message).toContain(
      '"session"',
    );
  });

  it.each([29, 3601, 0, -600, 60.5, '600', Number.NaN])('refuses stateMaxAge %s', (value) => {
    expectRefused({ ...valid, stateMaxAge: value }, 'stateMaxAge');
  });

  it.each([
    ['app', 'not an object', 'My App'],
    ['app.name', 'empty', { name: '' }],
    ['app.name', 'blank', { name: '   ' }],
    ['app.name', 'over 100 characters', { name: 'x'.repeat(101) }],
    ['app.name', 'not a string', { name: 42 }],
    ['app.iconURL', 'http on a public host', { iconURL: 'http://cdn.example/icon.png' }],
    ['app.iconURL', 'relative', { iconURL: '/icon.png' }],
    ['app.build', 'empty', { build: '' }],
  ])('refuses %s that is %s', (field, _name, app) => {
    expectRefused({ ...valid, app }, field);
  });

  it.each([
    ['181d', '181d'],
    ['one second over 180 days', MAX_DEVELOPER_TOKEN_LIFETIME_SECONDS + 1],
    ['zero', 0],
    ['a fraction', 1.5],
    ['a word', 'forever'],
  ])('refuses developerToken.expiresIn %s', (_name, expiresIn) => {
    expectRefused({ ...valid, developerToken: { expiresIn } }, 'developerToken.expiresIn');
  });

  it.each([
    ['with a path', ['https://app.example/app']],
    ['with a query', ['https://app.example?x=1']],
    ['http on a public host', ['http://app.example']],
    ['not a list', 'https://app.example'],
    ['a number in the list', [42]],
  ])('refuses developerToken.origins %s', (_name, origins) => {
    expectRefused({ ...valid, developerToken: { origins } }, 'developerToken.origins');
  });

  it.each([0, 1, -0.5, 1.5, '0.1'])('refuses developerToken.renewBefore %s', (renewBefore) => {
    expectRefused({ ...valid, developerToken: { renewBefore } }, 'developerToken.renewBefore');
  });

  it('refuses developerToken that is not an object', () => {
    expectRefused({ ...valid, developerToken: '180d' }, 'developerToken');
  });

  it.each(['false', 0, 1, null])('refuses verifyUserToken %s', (value) => {
    expectRefused({ ...valid, verifyUserToken: value }, 'verifyUserToken');
  });

  it.each(['redirect', 'POPUP', 42])('refuses ui %s', (value) => {
    expectRefused({ ...valid, ui: value }, 'ui');
  });

  it.each([
    ['endpoints', 'https://api.music.apple.com'],
    ['endpoints.authorize', { authorize: 'authorize.music.apple.com/woa' }],
    ['endpoints.authorize', { authorize: 'https://authorize.example/woa#x' }],
    ['endpoints.api', { api: 'ftp://api.example' }],
    ['endpoints.api', { api: 'http://api.example' }],
    ['endpoints.api', { api: 'https://api.example/?debug=1' }],
    ['endpoints.musicKitScript', { musicKitScript: 'musickit.js' }],
    ['endpoints.musicKitScript', { musicKitScript: 42 }],
  ])('refuses %s = %j', (field, endpoints) => {
    expectRefused({ ...valid, endpoints }, field);
  });

  it.each([
    ['an empty object', {}],
    ['a string', 'agent'],
    ['an object whose dispatch is not a function', { dispatch: true }],
    ['a function', () => undefined],
  ])('refuses a dispatcher that is %s', (_name, dispatcher) => {
    expect(expectRefused({ ...valid, dispatcher }, 'dispatcher').message).toContain('Dispatcher');
  });

  it.each([99, 60_001, 1.5, '5000', -1])('refuses timeoutMs %s', (timeoutMs) => {
    expectRefused({ ...valid, timeoutMs }, 'timeoutMs');
  });

  it.each([Date.now(), 'Date.now', {}])('refuses now = %s', (now) => {
    expectRefused({ ...valid, now }, 'now');
  });
});

describe('createAppleMusicAuth: accepted options', () => {
  it('accepts the session store without a stateSecret', () => {
    const { stateSecret: _omitted, ...rest } = valid;
    const auth = accepted({ ...rest, stateStore: 'session' });
    expect(auth.routes.callbackPath).toBe('/auth/apple-music/callback');
  });

  it('accepts a list of secrets, loopback http URLs, and a callback and icon URL with a query', () => {
    expect(() =>
      accepted({
        ...valid,
        stateSecret: ['x'.repeat(32), 'y'.repeat(40)],
        callbackURL: 'http://127.0.0.1:3000/auth/callback?provider=apple',
        app: { name: 'x'.repeat(100), iconURL: 'http://localhost:3000/icon.png?v=2' },
        endpoints: {
          authorize: 'http://127.0.0.1:9000/woa',
          api: 'http://localhost:9000',
          musicKitScript: 'http://localhost:9000/musickit.js',
        },
      }),
    ).not.toThrow();
  });

  it('accepts the bounds of every range', () => {
    for (const extra of [
      { stateMaxAge: 30 },
      { stateMaxAge: 3600 },
      { timeoutMs: 100 },
      { timeoutMs: 60_000 },
      { developerToken: { expiresIn: MAX_DEVELOPER_TOKEN_LIFETIME_SECONDS, renewBefore: 0.5 } },
      { developerToken: { expiresIn: '180d', origins: ['https://app.example'] } },
      { verifyUserToken: false, ui: 'musickit' },
    ]) {
      expect(() => accepted({ ...valid, ...extra })).not.toThrow();
    }
  });

  it('accepts an undici Agent as the dispatcher (and leaves it open on close)', async () => {
    const dispatcher = new Agent();
    try {
      const auth = create({ ...valid, dispatcher });
      await auth.close();
      expect(dispatcher.closed).toBe(false);
    } finally {
      await dispatcher.close();
    }
  });
});

describe('createAppleMusicAuth: defaults', () => {
  it("names the app after the callback URL's host and uses Apple's endpoints", async () => {
    const auth = accepted({ ...valid, callbackURL: 'https://app.example:8443/cb' });
    const page = await auth.startLogin();
    expect(page.body).toContain('<h1>app.example:8443</h1>');
    const config = bridgeConfig(page.body);
    expect(config).toMatchObject({
      ui: 'popup',
      appName: 'app.example:8443',
      appBuild: '1.0.0',
      authorizeURL: APPLE_ENDPOINTS.authorize,
      callbackURL: 'https://app.example:8443/cb',
    });
    expect(config).not.toHaveProperty('appIconURL');
  });

  it('uses the configured app name and icon instead', async () => {
    const auth = accepted({
      ...valid,
      app: { name: 'Crate & Barrel <Music>', iconURL: 'https://cdn.example/icon.png' },
    });
    const page = await auth.startLogin();
    expect(page.body).toContain('<h1>Crate &amp; Barrel &lt;Music&gt;</h1>');
    expect(bridgeConfig(page.body)).toMatchObject({
      appName: 'Crate & Barrel <Music>',
      appIconURL: 'https://cdn.example/icon.png',
    });
  });

  it('signs 180-day developer tokens without an origin claim by default', async () => {
    const auth = accepted(valid);
    const claims = decodeJwt(await auth.getDeveloperToken());
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(MAX_DEVELOPER_TOKEN_LIFETIME_SECONDS);
    expect(claims).not.toHaveProperty('origin');
  });

  it('keeps the state cookie 600 s on the callback path, or stateMaxAge when given', async () => {
    const [defaults] = (await accepted(valid).startLogin()).setCookies;
    expect(parseSetCookie(defaults ?? '')).toMatchObject({
      name: '__Host-apple_music_auth_state',
      maxAge: 600,
      path: '/',
      httpOnly: true,
      secure: true,
      sameSite: 'lax',
    });
    const local = accepted({
      ...valid,
      callbackURL: 'http://localhost:3000/auth/apple-music/callback',
    });
    expect(parseSetCookie((await local.startLogin()).setCookies[0] ?? '')).toMatchObject({
      name: 'apple_music_auth_state',
      path: '/auth/apple-music/callback',
    });
    expect((await local.startLogin()).setCookies[0]).not.toMatch(/Secure/);
    const [custom] = (await accepted({ ...valid, stateMaxAge: 120 }).startLogin()).setCookies;
    expect(parseSetCookie(custom ?? '')).toMatchObject({ maxAge: 120 });
  });

  it('reads the clock from `now`', async () => {
    const now = Date.UTC(2030, 0, 1);
    const claims = decodeJwt(await accepted({ ...valid, now: () => now }).getDeveloperToken());
    expect(claims.iat).toBe(now / 1000);
  });
});

describe('createAppleMusicAuth checks the private key at construction', () => {
  const key = generateP256();

  const samples = new Set([
    'a PKCS#8 RSA key',
    'a P-384 key',
    'an encrypted key',
    'a public key',
    'a certificate',
    'random text',
    'a file path',
    'an empty Uint8Array',
    'a public-only JWK',
    'a public KeyObject',
  ]);
  const sampled = wrongKeys.filter(([name]) => samples.has(name));

  it('samples every wrong key it names', () => {
    expect(new Set(sampled.map(([name]) => name))).toEqual(samples);
  });

  it.each(sampled)('throws ERR_INVALID_KEY synchronously for %s', (_name, make, message) => {
    const error = thrownBy(() => create({ ...valid, privateKey: make() }));
    expect(error.code).toBe('ERR_INVALID_KEY');
    expect(error.message).toMatch(message);
    expect(error.message).toContain('AuthKey_<KEYID>.p8');
  });

  it('throws ERR_INVALID_KEY synchronously for a CryptoKey that cannot sign ES256', async () => {
    const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-384' }, false, [
      'sign',
      'verify',
    ]);
    const error = thrownBy(() => create({ ...valid, privateKey: pair.privateKey }));
    expect(error.code).toBe('ERR_INVALID_KEY');
    expect(error.message).toMatch(/curve P-384/);
  });

  it.each([
    ['PEM text with literal \\n sequences', () => key.pem.replace(/\n/g, '\\n')],
    ['PEM text with CRLF line endings', () => key.pem.replace(/\n/g, '\r\n')],
    ['the file base64-encoded once more', () => Buffer.from(key.pem).toString('base64')],
    ["the file's bytes (Uint8Array)", () => new Uint8Array(Buffer.from(key.pem))],
    ['a Node.js KeyObject', () => key.privateKey],
    ['a JWK', () => key.privateKey.export({ format: 'jwk' })],
    [
      'a CryptoKey',
      () =>
        crypto.subtle.importKey(
          'pkcs8',
          key.privateKey.export({ type: 'pkcs8', format: 'der' }),
          { name: 'ECDSA', namedCurve: 'P-256' },
          false,
          ['sign'],
        ),
    ],
  ])('accepts %s and signs developer tokens with it', async (_name, make) => {
    const auth = accepted({ ...valid, privateKey: await make() });
    const token = await auth.getDeveloperToken();
    const { payload } = await jwtVerify(token, key.publicKey, {
      algorithms: ['ES256'],
      issuer: valid.teamId,
    });
    expect(payload.iat).toBeTypeOf('number');
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'ES256', kid: valid.keyId });
  });
});

describe('createAppleMusicAuth: the state group', () => {
  const { stateSecret: secret, ...base } = valid;

  it('takes state.secret, state.maxAge and state.cookieName', async () => {
    const auth = accepted({ ...base, state: { secret, maxAge: 90, cookieName: 'app2_state' } });
    const cookie = parseSetCookie((await auth.startLogin()).setCookies[0] ?? '');
    expect(cookie).toMatchObject({ name: '__Host-app2_state', maxAge: 90 });
  });

  it('takes state.store "session" with a state.sessionKey', async () => {
    const auth = accepted({ ...base, state: { store: 'session', sessionKey: 'am' } });
    const values = new Map<string, unknown>();
    await auth.startLogin({
      session: { get: (k) => values.get(k), set: (k, v) => values.set(k, v) },
    });
    expect([...values.keys()]).toEqual(['am']);
  });

  it('takes a custom StateStore object', async () => {
    const store = {
      issue: async () => ({ state: 'custom-state', setCookies: ['x=1; Path=/'] }),
      consume: async () => ({ returnTo: undefined }),
      clearingSetCookies: () => ['x=; Max-Age=0; Path=/'],
    };
    const auth = accepted({ ...base, state: { store } });
    const page = await auth.startLogin();
    expect(page.setCookies).toEqual(['x=1; Path=/']);
    expect(bridgeConfig(page.body).state).toBe('custom-state');
  });

  it.each<[string, unknown, string]>([
    ['a maxAge under 30 s', { secret, maxAge: 29 }, 'state.maxAge'],
    ['a maxAge over an hour', { secret, maxAge: 3601 }, 'state.maxAge'],
    ['a short secret', { secret: 'short' }, 'state.secret'],
    ['a bad cookieName', { secret, cookieName: 'a b' }, 'state.cookieName'],
    [
      'a __Secure- cookieName (a sibling subdomain can plant it)',
      { secret, cookieName: '__Secure-app_state' },
      'state.cookieName',
    ],
    ['an empty sessionKey', { store: 'session', sessionKey: '' }, 'state.sessionKey'],
    ['an unknown store', { store: 'redis' }, 'state.store'],
    ['a store object without methods', { store: {} }, 'state.store'],
    ['a usedStates without consume', { secret, usedStates: {} }, 'state.usedStates'],
    ['an unknown key', { secret, max_age: 60 }, 'state.max_age'],
  ])('refuses %s, naming it', (_what, state, field) => {
    expectRefused({ ...base, state }, field);
  });

  it('refuses the deprecated flat spelling beside the group', () => {
    const error = expectRefused({ ...valid, state: { secret } }, 'stateSecret');
    expect(error.message).toContain('state.secret');
  });

  it('names the option people set in the expired-state message', async () => {
    let now = Date.now();
    const auth = accepted({ ...base, state: { secret }, verifyUserToken: false, now: () => now });
    const page = await auth.startLogin();
    now += 3_600_000;
    const cookieHeader = page.setCookies.map((c) => c.split(';')[0]).join('; ');
    const state = bridgeConfig(page.body).state as string;
    await expect(
      auth.finishLogin({ body: { state, music_user_token: 'A'.repeat(40) }, cookieHeader }),
    ).rejects.toThrow(/`state.maxAge`/);
  });
});

describe('createAppleMusicAuth: routes and origins', () => {
  it('derives the login path from the callback path, or takes loginURL', () => {
    expect(accepted(valid).routes).toEqual({
      loginPath: '/auth/apple-music',
      callbackPath: '/auth/apple-music/callback',
      developerTokenPath: '/auth/apple-music/developer-token',
      callbackURL: CALLBACK_URL,
      returnToParam: 'returnTo',
    });
    expect(accepted({ ...valid, callbackURL: 'https://app.example/auth' }).routes.loginPath).toBe(
      '/auth',
    );
    expect(accepted({ ...valid, loginURL: '/login' }).routes.loginPath).toBe('/login');
    expect(accepted({ ...valid, loginURL: 'https://app.example/sign-in' }).routes.loginPath).toBe(
      '/sign-in',
    );
  });

  it('refuses a loginURL on another origin', () => {
    expectRefused({ ...valid, loginURL: 'https://evil.example/login' }, 'loginURL');
  });

  it('resolves a path callbackURL per request to one of appOrigins, behind a proxy only with trustProxy', async () => {
    const request = {
      method: 'GET',
      url: '/auth/apple-music',
      headers: {
        host: 'internal:8080',
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'app.example',
      },
    };
    const path = { ...valid, callbackURL: '/auth/apple-music/callback' };
    const direct = accepted({ ...path, appOrigins: ['https://app.example'] });
    const refused = await direct.loginStep(request);
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('ERR_ORIGIN_NOT_ALLOWED');
    expect(refused.setCookies).toEqual([]);
    const proxied = accepted({ ...path, appOrigins: ['https://app.example'], trustProxy: true });
    const page = await proxied.loginStep(request);
    expect(page.status).toBe(200);
    expect(bridgeConfig(page.body).callbackURL).toBe(
      'https://app.example/auth/apple-music/callback',
    );
    expect(page.headers['Content-Security-Policy']).toContain('form-action https://app.example;');
    expect(page.setCookies[0]).toMatch(/^__Host-/);
    const badHost = await direct.loginStep({ method: 'GET', url: '/x', headers: { host: 'a b' } });
    expect(badHost.status).toBe(400);
  });

  it('answers loopback origins only for a path callbackURL without appOrigins, outside production', async () => {
    const auth = accepted({ ...valid, callbackURL: '/auth/apple-music/callback' });
    const login = (host: string) =>
      auth.loginStep({ method: 'GET', url: '/auth/apple-music', headers: { host } });
    const local = await login('localhost:3000');
    expect(bridgeConfig(local.body).callbackURL).toBe(
      'http://localhost:3000/auth/apple-music/callback',
    );
    for (const host of ['app.example', 'internal:8080', 'foo.localhost:3000', '127.0.0.2:3000']) {
      const page = await login(host);
      expect(page.status).toBe(400);
      expect(page.body).toContain('ERR_ORIGIN_NOT_ALLOWED');
      expect(page.setCookies).toEqual([]);
    }
  });

  describe('appOrigins', () => {
    afterEach(() => {
      vi.unstubAllEnvs();
    });
    const path = { ...valid, callbackURL: '/auth/apple-music/callback' };

    it('is required with a path callbackURL when NODE_ENV is production', () => {
      vi.stubEnv('NODE_ENV', 'production');
      const error = expectRefused(path, 'appOrigins');
      expect(error.message).toMatch(/required with a path callbackURL/);
      expect(accepted({ ...path, appOrigins: ['https://app.example'] }).routes.callbackURL).toBe(
        undefined,
      );
      expect(accepted(valid).routes.callbackURL).toBe(valid.callbackURL);
    });

    it('goes with a path callbackURL only', () => {
      expectRefused({ ...valid, appOrigins: ['https://app.example'] }, 'appOrigins');
    });

    it('must list web origins: https, or http on localhost, 127.0.0.1 or [::1]', () => {
      expectRefused({ ...path, appOrigins: [] }, 'appOrigins');
      expectRefused({ ...path, appOrigins: 'https://app.example' }, 'appOrigins');
      expectRefused({ ...path, appOrigins: ['app.example'] }, 'appOrigins[0]');
      expectRefused({ ...path, appOrigins: ['https://app.example/login'] }, 'appOrigins[0]');
      for (const origin of ['http://app.example', 'http://foo.localhost', 'http://127.0.0.2']) {
        expectRefused({ ...path, appOrigins: ['https://app.example', origin] }, 'appOrigins[1]');
      }
      accepted({ ...path, appOrigins: ['http://localhost:3000', 'http://[::1]:8080'] });
    });
  });

  it('refuses a non-boolean trustProxy or originClaim', () => {
    expectRefused({ ...valid, trustProxy: 'yes' }, 'trustProxy');
    expectRefused({ ...valid, developerToken: { originClaim: 1 } }, 'developerToken.originClaim');
  });
});
