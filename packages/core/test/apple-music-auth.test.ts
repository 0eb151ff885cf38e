import { generateKeyPairSync } from 'node:crypto';
import { KNOWN_STOREFRONTS, type Sandbox, startSandbox } from '@apple-music-auth/sandbox';
import { parseSetCookie } from 'cookie';
import { decodeJwt, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoginPage } from '../src/apple-music-auth.js';
import {
  type AppleMusicAuth,
  AppleMusicAuthError,
  type AppleMusicAuthEvent,
  type AppleMusicAuthOptions,
  createMemorySingleUseStore,
  TokenError,
} from '../src/index.js';
import { rejectionOf } from './support/errors.js';
import { type AuthWithFlow, createAuthWithFlow } from './support/login-flow.js';
import { fakeSession } from './support/session.js';

const teamId = 'TEAM123456';
const keyId = 'KEY1234567';
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const APP_ORIGIN = 'https://app.example';
const CALLBACK_PATH = '/auth/apple-music/callback';

let sandbox: Sandbox;
const instances: AppleMusicAuth[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ teamId, keyId, publicKey, storefront: 'gb' });
});
afterAll(async () => {
  await Promise.all(instances.map((auth) => auth.close()));
  await sandbox.close();
});

/** An instance wired to the sandbox; the suite closes it. */
function createAuth(extra: Partial<AppleMusicAuthOptions> = {}): AuthWithFlow {
  const auth = createAuthWithFlow({
    teamId,
    keyId,
    privateKey,
    callbackURL: `${APP_ORIGIN}${CALLBACK_PATH}`,
    stateSecret: 'a-state-secret-that-is-long-enough-for-hmac',
    endpoints: { authorize: sandbox.authorizeURL, api: sandbox.apiURL },
    timeoutMs: 2000,
    ...extra,
  });
  instances.push(auth);
  return auth;
}

/** The JSON config block the bridge page embeds. */
function bridgeConfig(page: LoginPage): { developerToken: string; state: string } {
  const match =
    /<script type="application\/json" id="apple-music-auth-config"[^>]*>([^<]*)<\/script>/.exec(
      page.body,
    );
  if (match?.[1] === undefined) throw new Error('no config block in the bridge page');
  return JSON.parse(match[1]) as { developerToken: string; state: string };
}

/** What a browser sends back: `name=value` of each Set-Cookie. */
function cookieHeader(setCookies: readonly string[]): string {
  return setCookies
    .map((line) => parseSetCookie(line))
    .map(({ name, value }) => `${name}=${value ?? ''}`)
    .join('; ');
}

/** The form the bridge page posts after Apple's popup gave `musicUserToken`. */
function callbackBody(musicUserToken: string, state: string, restricted = false): URLSearchParams {
  return new URLSearchParams({
    music_user_token: musicUserToken,
    restricted: restricted ? '1' : '0',
    state,
  });
}

/** A session object over a Map, as a framework's session would be. */

async function verified(token: string) {
  return jwtVerify(token, publicKey, { algorithms: ['ES256'], issuer: teamId });
}

describe('getDeveloperToken', () => {
  it('signs an ES256 token for the key, without an origin claim, and reuses it', async () => {
    const auth = createAuth();
    const token = await auth.getDeveloperToken();
    const { payload, protectedHeader } = await verified(token);
    expect(protectedHeader).toMatchObject({ alg: 'ES256', kid: keyId });
    expect(payload).not.toHaveProperty('origin');
    expect(await auth.getDeveloperToken()).toBe(token);
  });

  it('is refused by jose against another public key', async () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    const token = await createAuth().getDeveloperToken();
    await expect(jwtVerify(token, other, { algorithms: ['ES256'] })).rejects.toThrow();
  });
});

describe('developerToken.origins', () => {
  it('puts the origin claim into the browser token only', async () => {
    const auth = createAuth({ developerToken: { origins: [APP_ORIGIN] } });
    const page = await auth.startLogin();
    const { developerToken: browserToken, state } = bridgeConfig(page);
    expect((await verified(browserToken)).payload.origin).toEqual([APP_ORIGIN]);

    const serverToken = await auth.getDeveloperToken();
    expect(serverToken).not.toBe(browserToken);
    expect((await verified(serverToken)).payload).not.toHaveProperty('origin');

    const result = await auth.finishLogin({
      body: callbackBody(sandbox.issueToken(), state),
      cookieHeader: cookieHeader(page.setCookies),
    });
    expect(result.developerToken).toBe(serverToken);
    expect(decodeJwt(result.developerToken)).not.toHaveProperty('origin');
  });

  it("gives the browser its own day-long token bound to the callback's origin by default", async () => {
    const auth = createAuth();
    const { developerToken } = bridgeConfig(await auth.startLogin());
    const serverToken = await auth.getDeveloperToken();
    expect(developerToken).not.toBe(serverToken);
    const { payload } = await verified(developerToken);
    expect(payload.origin).toEqual([APP_ORIGIN]);
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(86_400);
    expect(bridgeConfig(await auth.startLogin()).developerToken).toBe(developerToken);
  });

  it('leaves the origin claim out with originClaim: false, still a separate short-lived token', async () => {
    const auth = createAuth({ developerToken: { originClaim: false } });
    const { developerToken } = bridgeConfig(await auth.startLogin());
    expect(developerToken).not.toBe(await auth.getDeveloperToken());
    const { payload } = await verified(developerToken);
    expect(payload).not.toHaveProperty('origin');
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(86_400);
  });

  it('binds the browser token to each request origin with a path callbackURL', async () => {
    const other = 'https://other.example';
    const auth = createAuth({
      callbackURL: CALLBACK_PATH,
      appOrigins: [other],
      developerToken: { origins: [APP_ORIGIN] },
    });
    const page = await auth.startLogin({ origin: other });
    const { payload } = await verified(bridgeConfig(page).developerToken);
    expect(payload.origin).toEqual([other, APP_ORIGIN]);
    expect(page.body).toContain(`${other}${CALLBACK_PATH}`);
    await expect(auth.startLogin()).rejects.toMatchObject({ code: 'ERR_INVALID_OPTIONS' });
    const refused = await rejectionOf(auth.startLogin({ origin: 'https://evil.example' }));
    expect(refused).toMatchObject({ code: 'ERR_ORIGIN_NOT_ALLOWED', status: 400 });
    expect(refused.message).toContain('`appOrigins`');
  });

  it("keeps every listed origin's browser token, however many other hosts are asked for", async () => {
    const appOrigins = Array.from({ length: 12 }, (_, i) => `https://shop${i}.example`);
    const auth = createAuth({ callbackURL: CALLBACK_PATH, appOrigins });
    const tokenFor = async (host: string) => {
      const page = await auth.loginStep({
        method: 'GET',
        url: '/auth/apple-music',
        headers: { host },
        encrypted: true,
      });
      return page.status === 200 ? bridgeConfig(page).developerToken : page.status;
    };
    const first = new Map<string, unknown>();
    for (const origin of appOrigins) first.set(origin, await tokenFor(new URL(origin).host));
    for (let i = 0; i < 40; i += 1) expect(await tokenFor(`rotating${i}.example`)).toBe(400);
    for (const origin of appOrigins) {
      // ES256 signatures are randomized: a token signed again would differ.
      expect(await tokenFor(new URL(origin).host)).toBe(first.get(origin));
    }
  });
});

describe('startLogin', () => {
  it('returns the bridge page with its headers and one state cookie', async () => {
    const auth = createAuth();
    const page = await auth.startLogin({ returnTo: '/library' });
    expect(page.status).toBe(200);
    expect(page.headers).toMatchObject({
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    const nonce = /<script nonce="([^"]+)">/.exec(page.body)?.[1];
    expect(nonce).toBeDefined();
    expect(page.headers['Content-Security-Policy']).toContain(`'nonce-${nonce}'`);
    expect(page.headers['Content-Security-Policy']).toContain(`form-action ${APP_ORIGIN}`);
    expect(page.setCookies).toHaveLength(1);
    expect(parseSetCookie(page.setCookies[0] ?? '')).toMatchObject({
      name: '__Host-apple_music_auth_state',
      path: '/',
      httpOnly: true,
      secure: true,
    });
    expect(bridgeConfig(page).state).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it('makes a new state and cookie for every login', async () => {
    const auth = createAuth();
    const [first, second] = await Promise.all([auth.startLogin(), auth.startLogin()]);
    expect(bridgeConfig(first as LoginPage).state).not.toBe(
      bridgeConfig(second as LoginPage).state,
    );
    expect(first?.setCookies[0]).not.toBe(second?.setCookies[0]);
  });

  it("puts the renewed browser token on the page once the old one is due, and each origin's own", async () => {
    let clock = Math.floor(Date.now() / 1000) * 1000;
    const auth = createAuth({
      callbackURL: CALLBACK_PATH,
      appOrigins: [APP_ORIGIN, 'https://other.example'],
      now: () => clock,
    });
    const first = bridgeConfig(await auth.startLogin({ origin: APP_ORIGIN })).developerToken;
    expect(bridgeConfig(await auth.startLogin({ origin: APP_ORIGIN })).developerToken).toBe(first);
    const other = bridgeConfig(
      await auth.startLogin({ origin: 'https://other.example' }),
    ).developerToken;
    expect((await verified(other)).payload.origin).toEqual(['https://other.example']);
    clock += 86_400_000;
    const renewed = bridgeConfig(await auth.startLogin({ origin: APP_ORIGIN })).developerToken;
    expect(renewed).not.toBe(first);
    expect(decodeJwt(renewed).iat).toBe(clock / 1000);
    expect(decodeJwt(first).iat).toBe(clock / 1000 - 86_400);
  });

  it.each(['https://evil.example/', '//evil.example/path', 'javascript:alert(1)'])(
    'refuses returnTo %s',
    async (returnTo) => {
      await expect(createAuth().startLogin({ returnTo })).rejects.toMatchObject({
        code: 'ERR_INVALID_RETURN_TO',
        status: 400,
      });
    },
  );
});

describe('finishLogin with the cookie store', () => {
  it('returns the token, the server developer token, the storefront and returnTo', async () => {
    const auth = createAuth();
    const page = await auth.startLogin({ returnTo: '/library?tab=recent' });
    const musicUserToken = sandbox.issueToken({ restricted: true });
    const result = await auth.finishLogin({
      body: callbackBody(musicUserToken, bridgeConfig(page).state, true),
      contentType: 'application/x-www-form-urlencoded',
      cookieHeader: `theme=dark; ${cookieHeader(page.setCookies)}`,
    });
    const { id, name, defaultLanguageTag, explicitContentPolicy } = KNOWN_STOREFRONTS.gb;
    expect(result).toEqual({
      musicUserToken,
      developerToken: await auth.getDeveloperToken(),
      developerTokenExpiresAt: expect.any(Number),
      restricted: true,
      storefront: { id, name, defaultLanguageTag, explicitContentPolicy },
      returnTo: '/library?tab=recent',
    });
  });

  it('accepts the form as text and leaves returnTo undefined when none was asked', async () => {
    const auth = createAuth();
    const page = await auth.startLogin();
    const result = await auth.finishLogin({
      body: callbackBody(sandbox.issueToken(), bridgeConfig(page).state).toString(),
      contentType: 'application/x-www-form-urlencoded',
      cookieHeader: cookieHeader(page.setCookies),
    });
    expect(result.restricted).toBe(false);
    expect(result.returnTo).toBeUndefined();
  });

  it('refuses a callback without the state cookie, or with another login’s cookie', async () => {
    const auth = createAuth();
    const page = await auth.startLogin();
    const other = await auth.startLogin();
    const body = callbackBody(sandbox.issueToken(), bridgeConfig(page).state);
    await expect(auth.finishLogin({ body })).rejects.toMatchObject({ code: 'ERR_STATE_MISSING' });
    await expect(
      auth.finishLogin({ body, cookieHeader: cookieHeader(other.setCookies) }),
    ).rejects.toMatchObject({ code: 'ERR_STATE_MISMATCH' });
  });

  it('asks Apple about the token: a revoked one is a TokenError', async () => {
    const auth = createAuth();
    const page = await auth.startLogin();
    const musicUserToken = sandbox.issueToken();
    sandbox.revokeToken(musicUserToken);
    const failure = auth.finishLogin({
      body: callbackBody(musicUserToken, bridgeConfig(page).state),
      cookieHeader: cookieHeader(page.setCookies),
    });
    await expect(failure).rejects.toBeInstanceOf(TokenError);
    await expect(failure).rejects.toMatchObject({ code: 'ERR_USER_TOKEN_REJECTED', status: 401 });
  });

  it('does not ask Apple with verifyUserToken: false', async () => {
    const auth = createAuth({ verifyUserToken: false });
    const page = await auth.startLogin();
    const musicUserToken = sandbox.issueToken();
    sandbox.revokeToken(musicUserToken);
    const result = await auth.finishLogin({
      body: callbackBody(musicUserToken, bridgeConfig(page).state),
      cookieHeader: cookieHeader(page.setCookies),
    });
    expect(result.musicUserToken).toBe(musicUserToken);
    expect(result.storefront).toBeUndefined();
  });

  it('turns a declined popup into ERR_ACCESS_DENIED once the state checks out', async () => {
    const auth = createAuth();
    const page = await auth.startLogin();
    const body = new URLSearchParams({ error: 'access_denied', state: bridgeConfig(page).state });
    await expect(
      auth.finishLogin({ body, cookieHeader: cookieHeader(page.setCookies) }),
    ).rejects.toMatchObject({ name: 'AuthorizationError', code: 'ERR_ACCESS_DENIED' });
    await expect(auth.finishLogin({ body })).rejects.toMatchObject({ code: 'ERR_STATE_MISSING' });
  });

  it('clears the __Host- state cookie with one Max-Age=0 Set-Cookie on a failed callback', async () => {
    const outcome = await createAuth().callbackStep({
      method: 'POST',
      url: `${APP_ORIGIN}${CALLBACK_PATH}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'state=x&error=access_denied',
    });
    expect(outcome.setCookies).toHaveLength(1);
    expect(parseSetCookie(outcome.setCookies[0] ?? '')).toMatchObject({
      name: '__Host-apple_music_auth_state',
      value: '',
      maxAge: 0,
      path: '/',
      secure: true,
    });
    expect(outcome.error?.headers).toEqual({ 'set-cookie': outcome.setCookies });
  });
});

describe('the session store', () => {
  const sessionAuth = () => {
    const auth = createAuth({ stateStore: 'session' });
    return auth;
  };

  it('keeps the state in the session, sets no cookie, and uses a state once', async () => {
    const auth = sessionAuth();
    const session = fakeSession();
    const page = await auth.startLogin({ session, returnTo: '/after' });
    expect(page.setCookies).toEqual([]);
    expect(session.entries.size).toBe(1);

    const body = callbackBody(sandbox.issueToken(), bridgeConfig(page).state);
    const result = await auth.finishLogin({ body, session });
    expect(result.returnTo).toBe('/after');
    expect(result.storefront?.id).toBe('gb');
    expect(JSON.parse(session.entries.get('appleMusicAuth') ?? '{}')).toHaveProperty('used');

    await expect(auth.finishLogin({ body, session })).rejects.toMatchObject({
      code: 'ERR_STATE_REPLAYED',
      status: 403,
    });
  });

  it('refuses a state from another session', async () => {
    const auth = sessionAuth();
    const mine = fakeSession();
    const theirs = fakeSession();
    await auth.startLogin({ session: mine });
    const page = await auth.startLogin({ session: theirs });
    await expect(
      auth.finishLogin({
        body: callbackBody(sandbox.issueToken(), bridgeConfig(page).state),
        session: mine,
      }),
    ).rejects.toMatchObject({ code: 'ERR_STATE_MISMATCH' });
  });

  it('says a session is needed when none is given', async () => {
    const failure = sessionAuth().startLogin();
    await expect(failure).rejects.toBeInstanceOf(AppleMusicAuthError);
    await expect(failure).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTIONS',
      message: expect.stringContaining('`session`'),
    });
  });
});

describe('a full used-state store', () => {
  it('refuses new logins and callbacks it cannot remember with ERR_USED_STATES_FULL (503) and an event, never forgetting a used state', async () => {
    const events: AppleMusicAuthEvent[] = [];
    const auth = createAuth({
      state: { usedStates: createMemorySingleUseStore({ maxEntries: 3 }) },
      onEvent: (event) => {
        events.push(event);
        throw new Error('a broken listener changes nothing');
      },
    });
    const finish = (page: LoginPage, fields: URLSearchParams) =>
      auth.finishLogin({ body: fields, cookieHeader: cookieHeader(page.setCookies) });
    const victim = await auth.startLogin();
    const victimState = bridgeConfig(victim).state;
    await finish(victim, callbackBody(sandbox.issueToken(), victimState));
    const pending = await auth.startLogin();
    for (let pair = 0; pair < 2; pair += 1) {
      const page = await auth.startLogin();
      const cancel = new URLSearchParams({ state: bridgeConfig(page).state, error: 'cancelled' });
      await expect(finish(page, cancel)).rejects.toMatchObject({ code: 'ERR_CANCELLED' });
    }
    expect(events).toEqual([]);

    await expect(auth.startLogin()).rejects.toMatchObject({
      code: 'ERR_USED_STATES_FULL',
      status: 503,
    });
    expect(events).toEqual([{ type: 'used-states-full', route: 'login' }]);
    await expect(
      finish(pending, callbackBody(sandbox.issueToken(), bridgeConfig(pending).state)),
    ).rejects.toMatchObject({ code: 'ERR_USED_STATES_FULL', status: 503 });
    expect(events.at(-1)).toEqual({ type: 'used-states-full', route: 'callback' });
    await expect(
      finish(victim, callbackBody(sandbox.issueToken(), victimState)),
    ).rejects.toMatchObject({ code: 'ERR_STATE_REPLAYED' });
  });

  it('refuses an onEvent that is not a function', () => {
    expect(() => createAuth({ onEvent: 'log' as never })).toThrow(/`onEvent`/);
  });
});

describe('fetchAppleMusic', () => {
  it("returns the API's JSON for a valid Music User Token", async () => {
    const auth = createAuth();
    const body = await auth.fetchAppleMusic<{ data: { type: string; href: string }[] }>(
      '/v1/me/recent/played',
      { musicUserToken: sandbox.issueToken() },
    );
    expect(body.data.length).toBeGreaterThan(0);
    for (const item of body.data) {
      expect(['albums', 'playlists', 'stations']).toContain(item.type);
      expect(item.href).toMatch(/^\/v1\/catalog\/gb\//);
    }
  });

  it('maps a revoked Music User Token to TokenError ERR_USER_TOKEN_REJECTED', async () => {
    const auth = createAuth();
    const musicUserToken = sandbox.issueToken();
    sandbox.revokeToken(musicUserToken);
    const failure = auth.fetchAppleMusic('/v1/me/recent/played', { musicUserToken });
    await expect(failure).rejects.toBeInstanceOf(TokenError);
    await expect(failure).rejects.toMatchObject({ code: 'ERR_USER_TOKEN_REJECTED' });
  });

  it('fails after close()', async () => {
    const auth = createAuth();
    const musicUserToken = sandbox.issueToken();
    await auth.fetchAppleMusic('/v1/me/recent/played', { musicUserToken });
    await auth.close();
    const failure = auth.fetchAppleMusic('/v1/me/recent/played', { musicUserToken });
    await expect(failure).rejects.toBeInstanceOf(AppleMusicAuthError);
    await expect(failure).rejects.toMatchObject({ message: expect.stringContaining('closed') });
  });
});

describe('loginStep', () => {
  it("takes this login's ui from the request, over the ui option", async () => {
    const auth = createAuth();
    const request = { method: 'GET', url: `${APP_ORIGIN}/auth/apple-music`, headers: {} };
    const popup = await auth.loginStep(request);
    const musicKit = await auth.loginStep({ ...request, ui: 'musickit' });
    expect(popup.body).toContain('"ui":"popup"');
    expect(popup.body).not.toMatch(/<script[^>]+src=/);
    expect(musicKit.body).toContain('"ui":"musickit"');
    expect(musicKit.body).toContain('src="https://js-cdn.music.apple.com/musickit/v3/musickit.js"');
  });
});

describe('callbackStep', () => {
  it('answers another method with 405, and puts Allow and the clearing cookie on the error too', async () => {
    const outcome = await createAuth().callbackStep({
      method: 'GET',
      url: `${APP_ORIGIN}${CALLBACK_PATH}`,
      headers: {},
      body: undefined,
    });
    expect(outcome.status).toBe(405);
    expect(outcome.headers.allow).toBe('POST');
    expect(outcome.error?.status).toBe(405);
    expect(outcome.error?.headers).toEqual({ allow: 'POST', 'set-cookie': outcome.setCookies });
    expect(outcome.setCookies[0]).toMatch(/^__Host-apple_music_auth_state=;/);
  });
});
