import { parseSetCookie } from 'cookie';
import { describe, expect, it } from 'vitest';
import {
  createMemorySingleUseStore,
  type SingleUseStore,
} from '../../src/state/single-use-store.js';
import {
  assertSessionKey,
  type CookieStateStoreOptions,
  createCookieStateStore,
  createSessionStateStore,
  DEFAULT_STATE_COOKIE_NAME,
  type SessionAccess,
  type StateStore,
  type StateStoreRequest,
  sessionFromObject,
} from '../../src/state/state-store.js';
import { rejectionOf, thrownBy } from '../support/errors.js';
import { fakeSession } from '../support/session.js';

const SECRET = 'a-state-secret-of-at-least-32-characters!';
const OLD_SECRET = 'the-previous-state-secret-0123456789abcdef';
const CALLBACK_PATH = '/auth/apple-music/callback';
const T0 = 1_700_000_000_000;

/** A clock the test moves by hand. */
function fakeClock() {
  let now = T0;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

async function sha256Base64url(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Buffer.from(digest).toString('base64url');
}

/** What a browser sends back: `name=value` of each Set-Cookie. */
function cookieHeaderFrom(setCookies: readonly string[]): string {
  return setCookies
    .map((line) => parseSetCookie(line))
    .map(({ name, value }) => `${name}=${value ?? ''}`)
    .join('; ');
}

describe('createCookieStateStore', () => {
  const options = (extra: Partial<CookieStateStoreOptions> = {}): CookieStateStoreOptions => ({
    secret: SECRET,
    cookiePath: CALLBACK_PATH,
    ...extra,
  });

  it('sets an HttpOnly, SameSite=Lax nonce cookie on the callback path, without Secure on http', async () => {
    const store = createCookieStateStore(options());
    const { state, setCookies } = await store.issue({ secure: false }, {});
    expect(setCookies).toHaveLength(1);
    const line = setCookies[0] ?? '';
    const cookie = parseSetCookie(line);
    expect(cookie).toMatchObject({
      name: DEFAULT_STATE_COOKIE_NAME,
      httpOnly: true,
      sameSite: 'lax',
      path: CALLBACK_PATH,
      maxAge: 600,
    });
    expect(cookie.secure).toBeFalsy();
    expect(line).not.toMatch(/Secure/i);
    expect(cookie.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const payload = JSON.parse(Buffer.from(state.split('.')[1] ?? '', 'base64url').toString());
    expect(payload.nh).toBe(await sha256Base64url(cookie.value ?? ''));
    expect(state).not.toContain(cookie.value);
  });

  it('uses a __Host- cookie over https (Secure, Path=/, no Domain) and maxAgeSeconds', async () => {
    const store = createCookieStateStore(options({ maxAgeSeconds: 120 }));
    const { setCookies } = await store.issue({ secure: true }, {});
    const line = setCookies[0] ?? '';
    expect(parseSetCookie(line)).toMatchObject({
      name: `__Host-${DEFAULT_STATE_COOKIE_NAME}`,
      secure: true,
      path: '/',
      maxAge: 120,
    });
    expect(line).toMatch(/; Secure/);
    expect(line).not.toMatch(/Domain/i);
  });

  it('ignores a cookie without the prefix over https: a sibling subdomain could plant it', async () => {
    const store = createCookieStateStore(options());
    const issued = await store.issue({ secure: true }, {});
    const { value } = parseSetCookie(issued.setCookies[0] ?? '');
    const planted = `${DEFAULT_STATE_COOKIE_NAME}=${value}`;
    const error = await rejectionOf(
      store.consume({ secure: true, cookieHeader: planted }, issued.state),
    );
    expect(error.code).toBe('ERR_STATE_MISSING');
  });

  it('refuses a state used twice with ERR_STATE_REPLAYED (403), also on another instance sharing usedStates', async () => {
    const usedStates = createMemorySingleUseStore();
    const first = createCookieStateStore(options({ usedStates }));
    const second = createCookieStateStore(options({ usedStates }));
    const issued = await first.issue({ secure: true }, {});
    const request = { secure: true, cookieHeader: cookieHeaderFrom(issued.setCookies) };
    await expect(first.consume(request, issued.state)).resolves.toBeDefined();
    for (const store of [first, second]) {
      const error = await rejectionOf(store.consume(request, issued.state));
      expect(error.code).toBe('ERR_STATE_REPLAYED');
      expect(error.status).toBe(403);
    }
  });

  it('remembers a used state for the rest of its lifetime, as the store is asked to', async () => {
    const seen: Array<[string, number]> = [];
    const clock = fakeClock();
    const store = createCookieStateStore(
      options({
        now: clock.now,
        usedStates: {
          consume: (id, ttl) => {
            seen.push([id, ttl]);
            return true;
          },
        },
      }),
    );
    const issued = await store.issue({ secure: true }, {});
    clock.advance(100_000);
    const cookieHeader = cookieHeaderFrom(issued.setCookies);
    await store.consume({ secure: true, cookieHeader }, issued.state);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.[0]).toBe(
      await sha256Base64url(parseSetCookie(issued.setCookies[0] ?? '').value ?? ''),
    );
    expect(seen[0]?.[1]).toBe(500);
  });

  it('consumes a state with its cookie, returns returnTo and the clearing cookie', async () => {
    const store = createCookieStateStore(options());
    const request: StateStoreRequest = { secure: true };
    const issued = await store.issue(request, { returnTo: '/library' });
    const consumed = await store.consume(
      { ...request, cookieHeader: `theme=dark; ${cookieHeaderFrom(issued.setCookies)}` },
      issued.state,
    );
    expect(consumed).toEqual({ returnTo: '/library' });
    const clearing = store.clearingSetCookies(request);
    expect(clearing).toHaveLength(1);
    expect(parseSetCookie(clearing[0] ?? '')).toMatchObject({
      name: `__Host-${DEFAULT_STATE_COOKIE_NAME}`,
      value: '',
      maxAge: 0,
      httpOnly: true,
      sameSite: 'lax',
      secure: true,
      path: '/',
    });
  });

  it('clears the http cookie on the callback path, without Secure', async () => {
    const store = createCookieStateStore(options());
    const issued = await store.issue({ secure: false }, {});
    const error = await rejectionOf(store.consume({ secure: false }, issued.state));
    expect(error.code).toBe('ERR_STATE_MISSING');
    const clearing = store.clearingSetCookies({ secure: false });
    expect(clearing).toHaveLength(1);
    expect(parseSetCookie(clearing[0] ?? '')).toMatchObject({
      name: DEFAULT_STATE_COOKIE_NAME,
      maxAge: 0,
      path: CALLBACK_PATH,
    });
    expect(clearing[0]).not.toMatch(/Secure/);
  });

  it('lets another instance with the same secret finish the login (no server memory)', async () => {
    const first = createCookieStateStore(options());
    const second = createCookieStateStore(options());
    const issued = await first.issue({ secure: true }, { returnTo: '/x' });
    const cookieHeader = cookieHeaderFrom(issued.setCookies);
    await expect(
      second.consume({ secure: true, cookieHeader }, issued.state),
    ).resolves.toMatchObject({ returnTo: '/x' });
  });

  it('verifies states of a retired secret while it stays in the list', async () => {
    const before = createCookieStateStore(options({ secret: OLD_SECRET }));
    const issued = await before.issue({ secure: true }, {});
    const cookieHeader = cookieHeaderFrom(issued.setCookies);
    const rotating = createCookieStateStore(options({ secret: [SECRET, OLD_SECRET] }));
    await expect(rotating.consume({ secure: true, cookieHeader }, issued.state)).resolves.toEqual({
      returnTo: undefined,
    });
    const after = createCookieStateStore(options({ secret: SECRET }));
    const error = await rejectionOf(after.consume({ secure: true, cookieHeader }, issued.state));
    expect(error.code).toBe('ERR_STATE_MALFORMED');
  });

  it("refuses another browser's state (ERR_STATE_MISMATCH)", async () => {
    const store = createCookieStateStore(options());
    const attacker = await store.issue({ secure: true }, {});
    const victim = await store.issue({ secure: true }, {});
    const error = await rejectionOf(
      store.consume(
        { secure: true, cookieHeader: cookieHeaderFrom(victim.setCookies) },
        attacker.state,
      ),
    );
    expect(error.code).toBe('ERR_STATE_MISMATCH');
  });

  it('refuses a state older than maxAgeSeconds (ERR_STATE_EXPIRED)', async () => {
    const clock = fakeClock();
    const store = createCookieStateStore(options({ maxAgeSeconds: 60, now: clock.now }));
    const issued = await store.issue({ secure: true }, {});
    const cookieHeader = cookieHeaderFrom(issued.setCookies);
    clock.advance(60_000);
    const error = await rejectionOf(store.consume({ secure: true, cookieHeader }, issued.state));
    expect(error.code).toBe('ERR_STATE_EXPIRED');
  });

  it('refuses a missing or malformed state, and a missing cookie', async () => {
    const store = createCookieStateStore(options());
    const issued = await store.issue({ secure: true }, {});
    const cookieHeader = cookieHeaderFrom(issued.setCookies);
    expect((await rejectionOf(store.consume({ secure: true, cookieHeader }, undefined))).code).toBe(
      'ERR_STATE_MISSING',
    );
    expect(
      (await rejectionOf(store.consume({ secure: true, cookieHeader }, 'forged.state.value'))).code,
    ).toBe('ERR_STATE_MALFORMED');
    const noCookie = await rejectionOf(
      store.consume({ secure: true, cookieHeader: 'theme=dark' }, issued.state),
    );
    expect(noCookie.code).toBe('ERR_STATE_MISSING');
    expect(noCookie.message).toMatch(/cookies must be enabled/);
    const nullHeader = await rejectionOf(
      store.consume({ secure: true, cookieHeader: null }, issued.state),
    );
    expect(nullHeader.code).toBe('ERR_STATE_MISSING');
  });

  it('refuses a returnTo that leaves the site when issuing', async () => {
    const store = createCookieStateStore(options());
    const error = await rejectionOf(store.issue({ secure: true }, { returnTo: '//evil.example' }));
    expect(error.code).toBe('ERR_INVALID_RETURN_TO');
  });

  it('uses a name that already has the __Host- prefix as it is, on path /, and only over https', async () => {
    const store = createCookieStateStore(options({ cookieName: '__Host-ams' }));
    const issued = await store.issue({ secure: true }, {});
    expect(parseSetCookie(issued.setCookies[0] ?? '')).toMatchObject({
      name: '__Host-ams',
      path: '/',
      secure: true,
    });
    expect(parseSetCookie(store.clearingSetCookies({ secure: true })[0] ?? '')).toMatchObject({
      name: '__Host-ams',
      secure: true,
      path: '/',
    });
    const cookieHeader = cookieHeaderFrom(issued.setCookies);
    await expect(
      store.consume({ secure: true, cookieHeader }, issued.state),
    ).resolves.toBeDefined();
    const error = await rejectionOf(store.issue({ secure: false }, {}));
    expect(error.code).toBe('ERR_INVALID_OPTIONS');
    expect(error.message).toMatch(/`cookieName`.*needs https/);
  });

  it.each(['__Secure-ams', '__secure-ams', '__SECURE-ams'])(
    'refuses the name %s at construction: a sibling subdomain can set a __Secure- cookie',
    (cookieName) => {
      const error = thrownBy(() => createCookieStateStore(options({ cookieName })));
      expect(error.code).toBe('ERR_INVALID_OPTIONS');
      expect(error.message).toMatch(/`cookieName`.*__Secure-.*sibling subdomain.*__Host-/);
    },
  );

  it('refuses a __Host- prefix in another case, which older browsers do not honour', () => {
    const error = thrownBy(() => createCookieStateStore(options({ cookieName: '__host-ams' })));
    expect(error.code).toBe('ERR_INVALID_OPTIONS');
    expect(error.message).toMatch(/`cookieName`.*as __Host-/);
  });

  it.each<[string, unknown, RegExp]>([
    ['no options', null, /`options`/],
    ['no secret', { cookiePath: CALLBACK_PATH }, /`secret`/],
    ['a short secret', { secret: 'short', cookiePath: CALLBACK_PATH }, /`secret`/],
    ['no cookiePath', { secret: SECRET }, /`cookiePath`.*callback's path/],
    ['a relative cookiePath', { secret: SECRET, cookiePath: 'callback' }, /`cookiePath`/],
    ['a cookiePath with ;', { secret: SECRET, cookiePath: '/cb;Domain=evil' }, /`cookiePath`/],
    [
      'a cookieName with a space',
      { secret: SECRET, cookiePath: '/', cookieName: 'a b' },
      /`cookieName`/,
    ],
    ['an empty cookieName', { secret: SECRET, cookiePath: '/', cookieName: '' }, /`cookieName`/],
    [
      'a cookiePath without a leading /',
      { secret: SECRET, cookiePath: 'auth/callback' },
      /`cookiePath`/,
    ],
    [
      'a usedStates without consume',
      { secret: SECRET, cookiePath: '/', usedStates: {} },
      /`usedStates`/,
    ],
    [
      'a bad maxAgeSeconds',
      { secret: SECRET, cookiePath: '/', maxAgeSeconds: -1 },
      /`maxAgeSeconds`/,
    ],
    ['a bad now', { secret: SECRET, cookiePath: '/', now: Date.now() }, /`now`/],
  ])('refuses %s at creation, naming the option', (_what, value, message) => {
    const error = thrownBy(() => createCookieStateStore(value as CookieStateStoreOptions));
    expect(error.code).toBe('ERR_INVALID_OPTIONS');
    expect(error.message).toMatch(message);
  });
});

describe('createSessionStateStore', () => {
  async function started(store: StateStore, returnTo?: string) {
    const session = fakeSession();
    const request: StateStoreRequest = { session, secure: true };
    const issued = await store.issue(request, { returnTo });
    return { session, request, issued };
  }

  it('keeps { state, returnTo, expiresAt } under its key and sets no cookie', async () => {
    const clock = fakeClock();
    const store = createSessionStateStore({ now: clock.now });
    const { session, issued } = await started(store, '/a/../library');
    expect(issued.setCookies).toEqual([]);
    expect(issued.state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(session.get('appleMusicAuth')).toEqual({
      state: issued.state,
      returnTo: '/library',
      expiresAt: T0 + 600_000,
    });
    expect(store.clearingSetCookies({ secure: true })).toEqual([]);
  });

  it('consumes the state once: a second use fails with ERR_STATE_REPLAYED while it would live', async () => {
    const clock = fakeClock();
    const store = createSessionStateStore({ now: clock.now });
    const { session, request, issued } = await started(store, '/library');
    await expect(store.consume(request, issued.state)).resolves.toEqual({ returnTo: '/library' });
    expect(session.get('appleMusicAuth')).toEqual({ used: issued.state, expiresAt: T0 + 600_000 });
    const replay = await rejectionOf(store.consume(request, issued.state));
    expect(replay.code).toBe('ERR_STATE_REPLAYED');
    expect(replay.status).toBe(403);
    const other = await rejectionOf(store.consume(request, 'another-state'));
    expect(other.code).toBe('ERR_STATE_MISSING');
    expect(other.message).toMatch(/no pending login/);
    clock.advance(600_000);
    const late = await rejectionOf(store.consume(request, issued.state));
    expect(late.code).toBe('ERR_STATE_MISSING');
  });

  it('treats a pending login whose expiresAt is not a finite number as malformed, never as eternal', async () => {
    const store = createSessionStateStore();
    for (const expiresAt of [undefined, 'soon', Number.NaN, Number.POSITIVE_INFINITY]) {
      const session = fakeSession();
      const target: Record<string, unknown> = { appleMusicAuth: { state: 's', expiresAt } };
      const error = await rejectionOf(
        store.consume(
          { session: { ...session, get: (k) => target[k], set: () => {} }, secure: true },
          's',
        ),
      );
      expect(error.code).toBe('ERR_STATE_MALFORMED');
    }
  });

  it('deletes the pending login before checking it: a wrong guess burns it', async () => {
    const store = createSessionStateStore();
    const { session, request, issued } = await started(store);
    const last = issued.state.endsWith('A') ? 'B' : 'A';
    const wrong = await rejectionOf(store.consume(request, `${issued.state.slice(0, -1)}${last}`));
    expect(wrong.code).toBe('ERR_STATE_MISMATCH');
    expect(wrong.message).toMatch(/does not continue a login this browser started/);
    expect(session.entries.size).toBe(0);
    expect((await rejectionOf(store.consume(request, issued.state))).code).toBe(
      'ERR_STATE_MISSING',
    );
  });

  it('refuses a state of another length (ERR_STATE_MISMATCH)', async () => {
    const store = createSessionStateStore();
    const { request, issued } = await started(store);
    const error = await rejectionOf(store.consume(request, issued.state.slice(1)));
    expect(error.code).toBe('ERR_STATE_MISMATCH');
  });

  it('refuses a callback without state, and still burns the pending login', async () => {
    const store = createSessionStateStore();
    const { session, request } = await started(store);
    const error = await rejectionOf(store.consume(request, undefined));
    expect(error.code).toBe('ERR_STATE_MISSING');
    expect(error.message).toMatch(/no state/);
    expect(session.entries.size).toBe(0);
  });

  it('expires after maxAgeSeconds on the injected clock', async () => {
    const clock = fakeClock();
    const store = createSessionStateStore({ maxAgeSeconds: 30, now: clock.now });
    const early = await started(store);
    clock.advance(29_999);
    await expect(store.consume(early.request, early.issued.state)).resolves.toBeDefined();
    const late = await started(store);
    clock.advance(30_000);
    const error = await rejectionOf(store.consume(late.request, late.issued.state));
    expect(error.code).toBe('ERR_STATE_EXPIRED');
    expect(late.session.entries.size).toBe(0);
  });

  it('uses a custom key', async () => {
    const store = createSessionStateStore({ key: 'loginState' });
    const { session, request, issued } = await started(store);
    expect([...session.entries.keys()]).toEqual(['loginState']);
    await expect(store.consume(request, issued.state)).resolves.toBeDefined();
  });

  it.each<[string, unknown]>([
    ['a string', 'not an object'],
    ['an object without state', { expiresAt: T0 }],
    ['an object with a numeric returnTo', { state: 's', expiresAt: T0, returnTo: 5 }],
  ])('refuses %s under the key (ERR_STATE_MALFORMED)', async (_what, stored) => {
    const store = createSessionStateStore();
    const session = fakeSession();
    session.set('appleMusicAuth', stored);
    const error = await rejectionOf(store.consume({ session, secure: true }, 's'));
    expect(error.code).toBe('ERR_STATE_MALFORMED');
    expect(session.entries.size).toBe(0);
  });

  it('accepts a pending login whose returnTo a session backend turned into null', async () => {
    const clock = fakeClock();
    const store = createSessionStateStore({ now: clock.now });
    const session = fakeSession();
    session.set('appleMusicAuth', { state: 's', returnTo: null, expiresAt: T0 + 1 });
    await expect(store.consume({ session, secure: true }, 's')).resolves.toEqual({
      returnTo: undefined,
    });
  });

  it('says a session middleware must run first when there is no session', async () => {
    const store = createSessionStateStore();
    for (const promise of [
      store.issue({ secure: true }, {}),
      store.consume({ secure: true }, 'state'),
      store.consume({ secure: true, session: {} as SessionAccess }, 'state'),
    ]) {
      const error = await rejectionOf(promise);
      expect(error.code).toBe('ERR_INVALID_OPTIONS');
      expect(error.message).toMatch(/`session`.*session middleware .* must run before/);
    }
  });

  it('refuses a returnTo that leaves the site, storing nothing', async () => {
    const store = createSessionStateStore();
    const session = fakeSession();
    const error = await rejectionOf(
      store.issue({ session, secure: true }, { returnTo: 'https://evil.example' }),
    );
    expect(error.code).toBe('ERR_INVALID_RETURN_TO');
    expect(session.entries.size).toBe(0);
  });

  it.each<[string, unknown, RegExp]>([
    ['options that are not an object', 'session', /`options`/],
    ['an empty key', { key: '' }, /`key`/],
    ['a key over 100 characters', { key: 'k'.repeat(101) }, /`key`/],
    ['a numeric key', { key: 1 }, /`key`/],
    ['a bad maxAgeSeconds', { maxAgeSeconds: 0 }, /`maxAgeSeconds`/],
    ['a bad now', { now: 'now' }, /`now`/],
  ])('refuses %s at creation, naming the option', (_what, value, message) => {
    const error = thrownBy(() => createSessionStateStore(value as never));
    expect(error.code).toBe('ERR_INVALID_OPTIONS');
    expect(error.message).toMatch(message);
  });

  it('refuses a session copied from before the login (a session in a cookie), through usedStates', async () => {
    const store = createSessionStateStore();
    const { session, request, issued } = await started(store);
    const beforeLogin = new Map(session.entries);
    await store.consume(request, issued.state);
    const copy = fakeSession();
    for (const [key, value] of beforeLogin) copy.entries.set(key, value);
    const replay = await rejectionOf(store.consume({ session: copy, secure: true }, issued.state));
    expect(replay.code).toBe('ERR_STATE_REPLAYED');
    expect(copy.get('appleMusicAuth')).toMatchObject({ used: issued.state });
  });

  it('lets one of five concurrent callbacks with one state win, each on its own copy of the session', async () => {
    const store = createSessionStateStore();
    const { session, issued } = await started(store);
    const copies = Array.from({ length: 5 }, () => {
      const copy = fakeSession();
      for (const [key, value] of session.entries) copy.entries.set(key, value);
      return copy;
    });
    const outcomes = await Promise.allSettled(
      copies.map((copy) => store.consume({ session: copy, secure: true }, issued.state)),
    );
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    const codes = outcomes.flatMap((outcome) =>
      outcome.status === 'rejected' ? [(outcome.reason as { code: string }).code] : [],
    );
    expect(codes).toEqual(Array(4).fill('ERR_STATE_REPLAYED'));
  });

  it("records each used state in a shared usedStates under its SHA-256, until the state's expiry", async () => {
    const clock = fakeClock();
    const consumed: Array<[string, number]> = [];
    const store = createSessionStateStore({
      now: clock.now,
      usedStates: {
        consume: (id, ttlSeconds) => {
          consumed.push([id, ttlSeconds]);
          return true;
        },
      },
    });
    const { request, issued } = await started(store);
    clock.advance(100_500);
    await store.consume(request, issued.state);
    expect(consumed).toEqual([[await sha256Base64url(issued.state), 500]]);
  });
});

describe('a full used-state store', () => {
  const cookieStore = (usedStates: SingleUseStore) =>
    createCookieStateStore({ secret: SECRET, cookiePath: CALLBACK_PATH, usedStates });
  const sessionStore = (usedStates: SingleUseStore) => createSessionStateStore({ usedStates });

  it.each([
    ['the cookie store', cookieStore],
    ['the session store', sessionStore],
  ])(
    'makes %s refuse new logins (ERR_USED_STATES_FULL) and keep refusing a used state',
    async (_name, create) => {
      const clock = fakeClock();
      const store = create(createMemorySingleUseStore({ maxEntries: 2, now: clock.now }));
      const start = async () => {
        const session = fakeSession();
        const issued = await store.issue({ session, secure: true }, {});
        const request = {
          session,
          secure: true,
          cookieHeader: cookieHeaderFrom(issued.setCookies),
        };
        return { request, state: issued.state };
      };
      const victim = await start();
      const flood = await start();
      await store.consume(victim.request, victim.state);
      await store.consume(flood.request, flood.state);
      const refused = await rejectionOf(start());
      expect([refused.code, refused.status]).toEqual(['ERR_USED_STATES_FULL', 503]);
      const replay = await rejectionOf(store.consume(victim.request, victim.state));
      expect(replay.code).toBe('ERR_STATE_REPLAYED');
    },
  );

  it('names `usedStates` when the session store is given one without consume', () => {
    const error = thrownBy(() => createSessionStateStore({ usedStates: {} as never }));
    expect([error.code, error.message]).toEqual([
      'ERR_INVALID_OPTIONS',
      expect.stringContaining('`usedStates`'),
    ]);
  });

  it('refuses a callback it cannot remember rather than let it through', async () => {
    const used = createMemorySingleUseStore({ maxEntries: 1 });
    const store = cookieStore(used);
    const issued = await store.issue({ secure: true }, {});
    used.consume('another', 60);
    const request = { secure: true, cookieHeader: cookieHeaderFrom(issued.setCookies) };
    const error = await rejectionOf(store.consume(request, issued.state));
    expect(error.code).toBe('ERR_USED_STATES_FULL');
  });

  it('sizes the default from maxAge: 100 logins a second (30 s: 3,000 states)', async () => {
    const clock = fakeClock();
    const store = createSessionStateStore({ maxAgeSeconds: 30, now: clock.now });
    for (let index = 0; index < 3_000; index += 1) {
      const session = fakeSession();
      const issued = await store.issue({ session, secure: true }, {});
      await store.consume({ session, secure: true }, issued.state);
    }
    const error = await rejectionOf(store.issue({ session: fakeSession(), secure: true }, {}));
    expect(error.code).toBe('ERR_USED_STATES_FULL');
    clock.advance(30_000);
    await expect(store.issue({ session: fakeSession(), secure: true }, {})).resolves.toBeDefined();
  });
});

describe('state store option and session checks', () => {
  it.each<[string, () => unknown]>([
    ['cookie store options of null', () => createCookieStateStore(null as never)],
    ['session store options of null', () => createSessionStateStore(null as never)],
    [
      'a cookiePath that is a list',
      () => createCookieStateStore({ secret: SECRET, cookiePath: [CALLBACK_PATH] as never }),
    ],
    [
      'a numeric cookieName',
      () => createCookieStateStore({ secret: SECRET, cookiePath: '/', cookieName: 42 as never }),
    ],
    [
      'a session usedStates whose isFull is not a function',
      () => createSessionStateStore({ usedStates: { consume: () => true, isFull: 'no' } as never }),
    ],
    ...[
      null,
      {},
      { consume: () => true, isFull: true },
      Object.assign(() => undefined, { consume: async () => true }),
    ].map((usedStates): [string, () => unknown] => [
      `usedStates ${typeof usedStates === 'function' ? 'as a function' : JSON.stringify(usedStates)}`,
      () =>
        createCookieStateStore({
          secret: SECRET,
          cookiePath: '/',
          usedStates: usedStates as never,
        }),
    ]),
  ])('refuses %s with ERR_INVALID_OPTIONS', (_what, create) => {
    expect(thrownBy(create).code).toBe('ERR_INVALID_OPTIONS');
  });

  it('takes a session key of exactly 100 characters and refuses 101', () => {
    expect(assertSessionKey('key', 'k'.repeat(100))).toBe('k'.repeat(100));
    expect(thrownBy(() => assertSessionKey('key', 'k'.repeat(101))).code).toBe(
      'ERR_INVALID_OPTIONS',
    );
  });

  it.each<[string, unknown]>([
    ['null', null],
    ['an object without set', { get: () => undefined }],
    ['an object without get', { set: () => undefined }],
  ])('says a session middleware must run first for a session of %s', async (_what, session) => {
    const store = createSessionStateStore();
    const error = await rejectionOf(
      store.consume({ secure: true, session: session as SessionAccess }, 's'),
    );
    expect(error.code).toBe('ERR_INVALID_OPTIONS');
  });

  it('reads null under the key as no pending login', async () => {
    const session = fakeSession();
    session.set('appleMusicAuth', null);
    const error = await rejectionOf(
      createSessionStateStore().consume({ session, secure: true }, 's'),
    );
    expect(error.code).toBe('ERR_STATE_MISSING');
  });

  it('refuses a function under the key, even one shaped like a used login', async () => {
    const stored = Object.assign(() => undefined, { used: 's', expiresAt: Date.now() + 60_000 });
    const error = await rejectionOf(
      createSessionStateStore().consume(
        { session: { get: () => stored, set: () => undefined }, secure: true },
        's',
      ),
    );
    expect(error.code).toBe('ERR_STATE_MALFORMED');
  });

  it.each([undefined, null, ''])(
    'answers a callback state of %j ERR_STATE_MISSING',
    async (state) => {
      const store = createSessionStateStore();
      const session = fakeSession();
      await store.issue({ session, secure: true }, {});
      const error = await rejectionOf(store.consume({ session, secure: true }, state));
      expect(error.code).toBe('ERR_STATE_MISSING');
    },
  );

  it('answers a callback state that is not a string ERR_STATE_MISMATCH', async () => {
    const store = createSessionStateStore();
    const session = fakeSession();
    await store.issue({ session, secure: true }, {});
    const error = await rejectionOf(store.consume({ session, secure: true }, 42 as never));
    expect(error.code).toBe('ERR_STATE_MISMATCH');
  });

  it('forgets a used state when it would have expired: a late replay is missing, not replayed', async () => {
    let now = T0;
    const store = createSessionStateStore({ maxAgeSeconds: 60, now: () => now });
    const session = fakeSession();
    const { state } = await store.issue({ session, secure: true }, {});
    await store.consume({ session, secure: true }, state);
    now = T0 + 60_000;
    const error = await rejectionOf(store.consume({ session, secure: true }, state));
    expect(error.code).toBe('ERR_STATE_MISSING');
  });

  it('wraps only a session object, and deletes a key set to undefined', () => {
    expect(sessionFromObject(undefined)).toBeUndefined();
    expect(sessionFromObject(null)).toBeUndefined();
    expect(sessionFromObject('session')).toBeUndefined();
    const target: Record<string, unknown> = { kept: 1, appleMusicAuth: { state: 's' } };
    const session = sessionFromObject(target);
    session?.set('appleMusicAuth', undefined);
    expect(Object.hasOwn(target, 'appleMusicAuth')).toBe(false);
    expect(session?.get('kept')).toBe(1);
  });
});
