import { jwtVerify, SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  assertStateSecret,
  createNonce,
  createState,
  DEFAULT_STATE_MAX_AGE_SECONDS,
  verifyState,
} from '../../src/state/signed-state.js';
import { rejectionOf, thrownBy } from '../support/errors.js';

const SECRET = 'a-state-secret-of-at-least-32-characters!';
const OLD_SECRET = 'the-previous-state-secret-0123456789abcdef';
const T0 = 1_700_000_000_000;
const clock = (ms: number) => () => ms;
const encoder = new TextEncoder();

function fromBase64url(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(Buffer.from(text, 'base64url'));
}

function decodePart(part: string | undefined): Record<string, unknown> {
  return JSON.parse(new TextDecoder().decode(fromBase64url(part ?? ''))) as Record<string, unknown>;
}

async function sha256Base64url(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', encoder.encode(text));
  return Buffer.from(digest).toString('base64url');
}

/** A JWT signed with SECRET that looks like a state, with the given claims and header. */
async function forge(
  claims: Record<string, unknown>,
  header: Record<string, unknown> = { alg: 'HS256', typ: 'apple-music-auth-state+jwt' },
  secret = SECRET,
): Promise<string> {
  const iat = Math.floor(T0 / 1000);
  return new SignJWT({ iat, exp: iat + 600, ...claims })
    .setProtectedHeader(header as { alg: string })
    .sign(encoder.encode(secret));
}

describe('createNonce', () => {
  it('makes 32 random bytes in base64url, different every time', () => {
    const nonce = createNonce();
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(fromBase64url(nonce)).toHaveLength(32);
    expect(createNonce()).not.toBe(nonce);
  });
});

describe('createState', () => {
  it('is a real HS256 JWT: jose and a hand-made HMAC both verify it with the secret', async () => {
    const nonce = createNonce();
    const state = await createState({ secret: SECRET, nonce, returnTo: '/library' });

    const { payload, protectedHeader } = await jwtVerify(state, encoder.encode(SECRET), {
      algorithms: ['HS256'],
    });
    expect(protectedHeader.alg).toBe('HS256');
    expect(payload.rt).toBe('/library');

    const [header, body, signature] = state.split('.');
    const key = await crypto.subtle.importKey(
      'raw',
      encoder.encode(SECRET),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['verify'],
    );
    const valid = await crypto.subtle.verify(
      'HMAC',
      key,
      fromBase64url(signature ?? ''),
      encoder.encode(`${header}.${body}`),
    );
    expect(valid).toBe(true);
  });

  it('signs as jose verifies with secrets longer than a hash block and outside ASCII', async () => {
    for (const secret of [
      's'.repeat(65),
      'x'.repeat(200),
      'ein Geheimnis für den Zustand, 状態 🎵',
    ]) {
      const nonce = 'nonce with ünïcödé';
      const state = await createState({ secret, nonce });
      const { payload } = await jwtVerify(state, encoder.encode(secret), { algorithms: ['HS256'] });
      expect(payload.nh).toBe(await sha256Base64url(nonce));
      await expect(verifyState({ state, nonce, secret })).resolves.toMatchObject({
        id: payload.nh,
      });
    }
  });

  it('carries the SHA-256 of the nonce, never the nonce itself', async () => {
    const nonce = createNonce();
    const state = await createState({ secret: SECRET, nonce });
    const payload = decodePart(state.split('.')[1]);
    expect(state).not.toContain(nonce);
    expect(JSON.stringify(payload)).not.toContain(nonce);
    expect(payload.nh).toBe(await sha256Base64url(nonce));
    expect(payload).not.toHaveProperty('rt');
  });

  it('sets iat from the clock and exp after maxAgeSeconds (default 600)', async () => {
    const nonce = createNonce();
    const byDefault = decodePart(
      (await createState({ secret: SECRET, nonce, now: clock(T0 + 999) })).split('.')[1],
    );
    expect(byDefault.iat).toBe(T0 / 1000);
    expect(byDefault.exp).toBe(T0 / 1000 + DEFAULT_STATE_MAX_AGE_SECONDS);
    const short = decodePart(
      (await createState({ secret: SECRET, nonce, now: clock(T0), maxAgeSeconds: 60 })).split(
        '.',
      )[1],
    );
    expect(short.exp).toBe(T0 / 1000 + 60);
  });

  it('signs with the first secret of a list', async () => {
    const state = await createState({ secret: [SECRET, OLD_SECRET], nonce: 'n' });
    await expect(jwtVerify(state, encoder.encode(SECRET))).resolves.toBeDefined();
    await expect(jwtVerify(state, encoder.encode(OLD_SECRET))).rejects.toThrow(/signature/);
  });

  it('normalizes returnTo and refuses one that leaves the site', async () => {
    const state = await createState({ secret: SECRET, nonce: 'n', returnTo: '/a/../b?c#d' });
    expect(decodePart(state.split('.')[1]).rt).toBe('/b?c#d');
    const error = await rejectionOf(
      createState({ secret: SECRET, nonce: 'n', returnTo: '//evil.example' }),
    );
    expect(error.code).toBe('ERR_INVALID_RETURN_TO');
  });

  it.each([
    ['nonce', { nonce: '' }, /`nonce`.*createNonce/],
    ['nonce', { nonce: 'x'.repeat(513) }, /`nonce`/],
    ['maxAgeSeconds', { maxAgeSeconds: 0 }, /`maxAgeSeconds`.*from 30 to 3600/],
    ['maxAgeSeconds', { maxAgeSeconds: 1.5 }, /`maxAgeSeconds`/],
    ['maxAgeSeconds', { maxAgeSeconds: 3601 }, /`maxAgeSeconds`/],
    ['maxAgeSeconds', { maxAgeSeconds: '600' }, /`maxAgeSeconds`/],
    ['now', { now: 'yesterday' }, /`now`.*Date\.now/],
    ['secret', { secret: 'short' }, /`secret`/],
  ])('refuses a bad %s', async (_field, change, message) => {
    const options = { secret: SECRET, nonce: 'n', ...change } as Parameters<typeof createState>[0];
    const error = await rejectionOf(createState(options));
    expect(error.code).toBe('ERR_INVALID_OPTIONS');
    expect(error.message).toMatch(message);
  });
});

describe('verifyState', () => {
  async function issued(returnTo?: string) {
    const nonce = createNonce();
    const state = await createState({ secret: SECRET, nonce, returnTo, now: clock(T0) });
    return { nonce, state };
  }

  it('returns the returnTo of a state that belongs to the nonce', async () => {
    const { nonce, state } = await issued('/library?tab=albums');
    const verified = await verifyState({ state, nonce, secret: SECRET, now: clock(T0 + 1000) });
    expect(verified.returnTo).toBe('/library?tab=albums');
    expect(verified.expiresAt).toBe(Math.floor(T0 / 1000) * 1000 + 600_000);
    expect(verified.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(verified.id).not.toContain(nonce);
    const bare = await issued();
    const other = await verifyState({ ...bare, secret: SECRET, now: clock(T0) });
    expect(other.returnTo).toBeUndefined();
    expect(other.id).not.toBe(verified.id);
  });

  it('reads any JSON spelling of the header and UTF-8 in the claims, as a JWT library would', async () => {
    const nonce = createNonce();
    const state = await forge(
      { nh: await sha256Base64url(nonce), note: 'Café 音楽' },
      { typ: 'apple-music-auth-state+jwt', alg: 'HS256' },
    );
    const verified = await verifyState({ state, nonce, secret: SECRET, now: clock(T0) });
    expect(verified.id).toBe(await sha256Base64url(nonce));
  });

  it('refuses a part with base64 padding or a character outside base64url (ERR_STATE_MALFORMED)', async () => {
    const { nonce, state } = await issued();
    const [header, payload, signature] = state.split('.') as [string, string, string];
    for (const spelling of [
      `${header}.${payload}=.${signature}`,
      `${header}=.${payload}.${signature}`,
      `${header}.${payload} .${signature}`,
      `${header}.+${payload.slice(1)}.${signature}`,
    ]) {
      const error = await rejectionOf(
        verifyState({ state: spelling, nonce, secret: SECRET, now: clock(T0) }),
      );
      expect(error.code).toBe('ERR_STATE_MALFORMED');
    }
  });

  it('verifies with every secret of a rotation list, and fails once the old one is gone', async () => {
    const nonce = createNonce();
    const state = await createState({ secret: OLD_SECRET, nonce });
    await expect(
      verifyState({ state, nonce, secret: [SECRET, OLD_SECRET] }),
    ).resolves.toMatchObject({
      returnTo: undefined,
    });
    const error = await rejectionOf(verifyState({ state, nonce, secret: [SECRET] }));
    expect(error.code).toBe('ERR_STATE_MALFORMED');
    expect(error.message).toMatch(/altered, or signed with a secret no longer in `state.secret`/);
  });

  it('expires after maxAgeSeconds on the injected clock', async () => {
    const { nonce, state } = await issued();
    await expect(
      verifyState({ state, nonce, secret: SECRET, now: clock(T0 + 599_999) }),
    ).resolves.toBeDefined();
    const error = await rejectionOf(
      verifyState({ state, nonce, secret: SECRET, now: clock(T0 + 600_000) }),
    );
    expect(error.code).toBe('ERR_STATE_EXPIRED');
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/expired.*Start the login again/s);
  });

  it('refuses a valid state made for another nonce (ERR_STATE_MISMATCH)', async () => {
    const { state } = await issued();
    const error = await rejectionOf(
      verifyState({ state, nonce: createNonce(), secret: SECRET, now: clock(T0) }),
    );
    expect(error.code).toBe('ERR_STATE_MISMATCH');
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/does not continue a login this browser started/);
  });

  it.each([
    ['no state', { state: undefined }, /no state/],
    ['a null state', { state: null }, /no state/],
    ['an empty state', { state: '' }, /no state/],
    ['no nonce', { nonce: undefined }, /no state cookie/],
    ['an empty nonce', { nonce: '' }, /no state cookie/],
  ])('refuses %s (ERR_STATE_MISSING)', async (_what, change, detail) => {
    const { nonce, state } = await issued();
    const error = await rejectionOf(
      verifyState({ state, nonce, secret: SECRET, now: clock(T0), ...change }),
    );
    expect(error.code).toBe('ERR_STATE_MISSING');
    expect(error.status).toBe(400);
    expect(error.message).toMatch(detail);
    expect(error.message).toMatch(/login route, in this browser, and cookies must be enabled/);
  });

  it('refuses an altered state (ERR_STATE_MALFORMED)', async () => {
    const { nonce, state } = await issued('/ok');
    const [header, , signature] = state.split('.');
    const payload = decodePart(state.split('.')[1]);
    const altered = Buffer.from(JSON.stringify({ ...payload, rt: '/admin' })).toString('base64url');
    const error = await rejectionOf(
      verifyState({ state: `${header}.${altered}.${signature}`, nonce, secret: SECRET }),
    );
    expect(error.code).toBe('ERR_STATE_MALFORMED');
    expect(error.message).toMatch(/altered/);
  });

  it.each<[string, () => Promise<string> | string, RegExp]>([
    ['not a JWT', () => 'not-a-jwt', /compact JWT/],
    ['three garbage parts', () => 'a.b.c', /compact JWT/],
    ['too long', () => `${'a'.repeat(9000)}.b.c`, /compact JWT/],
    [
      'signed with HS512',
      () => forge({ nh: 'x' }, { alg: 'HS512', typ: 'apple-music-auth-state+jwt' }),
      /HS256/,
    ],
    ['unsecured (alg none)', () => new UnsecuredJWT({ nh: 'x' }).encode(), /compact JWT|HS256/],
    ['missing the nonce hash', () => forge({}), /claims/],
    ['missing the typ header', () => forge({ nh: 'x' }, { alg: 'HS256' }), /claims/],
    ['with another typ', () => forge({ nh: 'x' }, { alg: 'HS256', typ: 'JWT' }), /claims/],
    ['with a nonce hash that is not a string', () => forge({ nh: 42 }), /nonce hash/],
    ['with a returnTo off the site', () => forge({ nh: 'x', rt: '//evil.example' }), /returnTo/],
    ['with a returnTo that is not a string', () => forge({ nh: 'x', rt: 7 }), /returnTo/],
  ])('refuses a state %s (ERR_STATE_MALFORMED)', async (_what, make, detail) => {
    const error = await rejectionOf(
      verifyState({ state: await make(), nonce: 'n', secret: SECRET, now: clock(T0) }),
    );
    expect(error.code).toBe('ERR_STATE_MALFORMED');
    expect(error.status).toBe(400);
    expect(error.message).toMatch(detail);
    expect(error.message).toMatch(/Start the login again/);
  });

  it('refuses a nonce that no browser could hold (ERR_STATE_MALFORMED)', async () => {
    const { state } = await issued();
    const error = await rejectionOf(
      verifyState({ state, nonce: 'n'.repeat(513), secret: SECRET, now: clock(T0) }),
    );
    expect(error.code).toBe('ERR_STATE_MALFORMED');
  });

  it('refuses a bad secret or clock with ERR_INVALID_OPTIONS', async () => {
    const { nonce, state } = await issued();
    expect((await rejectionOf(verifyState({ state, nonce, secret: [] }))).code).toBe(
      'ERR_INVALID_OPTIONS',
    );
    const clockError = await rejectionOf(
      verifyState({ state, nonce, secret: SECRET, now: 5 as unknown as () => number }),
    );
    expect(clockError.message).toMatch(/`now`/);
  });
});

describe('assertStateSecret', () => {
  it('returns one secret or a rotation list as a frozen list', () => {
    expect(assertStateSecret(SECRET)).toEqual([SECRET]);
    const list = assertStateSecret([SECRET, OLD_SECRET]);
    expect(list).toEqual([SECRET, OLD_SECRET]);
    expect(Object.isFrozen(list)).toBe(true);
  });

  it.each([
    ['a short string', 'x'.repeat(31), /`secret`: it has 31 characters/],
    ['an empty list', [], /`secret`: the list is empty/],
    ['a number', 42, /`secret`: expected a string or a list of strings/],
    ['undefined', undefined, /`secret`: expected a string or a list/],
    ['a list with a number', [SECRET, 42], /`secret\[1\]`: expected a string, got number/],
    ['a list with a short string', [SECRET, 'short'], /`secret\[1\]`: it has 5 characters/],
  ])('refuses %s, naming the option and saying what to use', (_what, value, message) => {
    const error = thrownBy(() => assertStateSecret(value, 'secret'));
    expect(error.code).toBe('ERR_INVALID_OPTIONS');
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(/at least 32 characters/);
  });
});
