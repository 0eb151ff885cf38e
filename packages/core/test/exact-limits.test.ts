// Each limit at its exact value and one past it, and the checks a mutant could
// drop unnoticed: the tests mutation testing asked for.
import { createHash, generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { constantTimeEqual } from '../src/crypto/constant-time.js';
import { createAppleMusicAuth } from '../src/index.js';
import {
  MAX_CALLBACK_BODY_BYTES,
  MAX_MUSIC_USER_TOKEN_LENGTH,
  parseCallback,
} from '../src/protocol/callback-payload.js';
import {
  createNonce,
  createState,
  MIN_STATE_SECRET_LENGTH,
  verifyState,
} from '../src/state/signed-state.js';
import { createCookieStateStore } from '../src/state/state-store.js';
import { assertOrigin } from '../src/tokens/developer-token.js';
import { rejectionOf, thrownBy } from './support/errors.js';

const SECRET = 's'.repeat(MIN_STATE_SECRET_LENGTH);
const encoder = new TextEncoder();

describe('constantTimeEqual', () => {
  it('tells apart strings where one is a prefix of the other, both ways', () => {
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
    expect(constantTimeEqual('abcd', 'abc')).toBe(false);
    expect(constantTimeEqual('', 'a')).toBe(false);
    expect(constantTimeEqual('abcd', 'abcd')).toBe(true);
    expect(constantTimeEqual('abcd', 'abce')).toBe(false);
  });
});

describe('state limits', () => {
  it(`accepts a secret of exactly ${MIN_STATE_SECRET_LENGTH} characters and refuses one less`, async () => {
    const nonce = createNonce();
    const state = await createState({ secret: SECRET, nonce });
    await expect(verifyState({ state, nonce, secret: SECRET })).resolves.toMatchObject({});
    const error = await rejectionOf(createState({ secret: SECRET.slice(1), nonce }));
    expect(error.code).toBe('ERR_INVALID_OPTIONS');
  });

  it('accepts a nonce of exactly 512 characters and refuses 513, on both sides', async () => {
    const nonce = 'n'.repeat(512);
    const state = await createState({ secret: SECRET, nonce });
    await expect(verifyState({ state, nonce, secret: SECRET })).resolves.toMatchObject({});
    expect((await rejectionOf(createState({ secret: SECRET, nonce: `${nonce}n` }))).code).toBe(
      'ERR_INVALID_OPTIONS',
    );
    const longer = await rejectionOf(verifyState({ state, nonce: `${nonce}n`, secret: SECRET }));
    expect(longer.code).toBe('ERR_STATE_MALFORMED');
  });

  /** A validly signed state of exactly `length` characters, padded with an extra claim. */
  async function stateOfLength(nonce: string, length: number): Promise<string> {
    const nh = createHash('sha256').update(nonce).digest('base64url');
    const iat = Math.floor(Date.now() / 1000);
    const sign = (pad: number) =>
      new SignJWT({ nh, pad: 'p'.repeat(pad), iat, exp: iat + 600 })
        .setProtectedHeader({ alg: 'HS256', typ: 'apple-music-auth-state+jwt' })
        .sign(encoder.encode(SECRET));
    // Each padding byte adds 4/3 characters: start near the answer and step.
    const estimate = Math.floor(((length - (await sign(0)).length) * 3) / 4) - 3;
    for (let pad = estimate; pad < estimate + 8; pad += 1) {
      const state = await sign(pad);
      if (state.length === length) return state;
    }
    throw new Error(`no padding gives exactly ${length} characters`);
  }

  it('checks a state of exactly 8,192 characters and refuses a longer one before its signature', async () => {
    const nonce = createNonce();
    const state = await stateOfLength(nonce, 8192);
    await expect(verifyState({ state, nonce, secret: SECRET })).resolves.toMatchObject({
      returnTo: undefined,
    });
    const tooLong = await rejectionOf(verifyState({ state: `${state}x`, nonce, secret: SECRET }));
    expect(tooLong.code).toBe('ERR_STATE_MALFORMED');
    // Not the signature's message: the length check refused it first.
    expect(tooLong.message).toMatch(/compact JWT/);
  });
});

describe('callback body limits and shapes', () => {
  const form = (token: string, padding = '') =>
    `state=s&music_user_token=${token}&restricted=${padding}0`;

  it(`accepts a body of exactly ${MAX_CALLBACK_BODY_BYTES} bytes and refuses one more (413)`, () => {
    const base = form('t').length;
    const exact = form('t', '0'.repeat(MAX_CALLBACK_BODY_BYTES - base));
    expect(encoder.encode(exact).length).toBe(MAX_CALLBACK_BODY_BYTES);
    // Accepted by size: it fails later, on the value of restricted, not as too large.
    const sized = thrownBy(() => parseCallback(exact));
    expect(sized.status).toBe(400);
    expect(sized.message).toMatch(/restricted/);
    const over = thrownBy(() => parseCallback(`${exact}0`));
    expect(over.status).toBe(413);
  });

  it(`accepts a token of exactly ${MAX_MUSIC_USER_TOKEN_LENGTH} characters and refuses one more`, () => {
    const token = 'T'.repeat(MAX_MUSIC_USER_TOKEN_LENGTH);
    expect(parseCallback(form(token))).toMatchObject({ type: 'token', musicUserToken: token });
    expect(thrownBy(() => parseCallback(form(`${token}T`))).message).toMatch(/longer than 4096/);
  });

  it.each([
    ['music_user_token', { state: 's', music_user_token: true }],
    ['state', { state: true, music_user_token: 't' }],
  ])('refuses JSON true in %s', (_field, body) => {
    const error = thrownBy(() =>
      parseCallback(JSON.stringify(body), { contentType: 'application/json' }),
    );
    expect(error.code).toBe('ERR_CALLBACK_INVALID');
    expect(error.message).toMatch(/is true, not a string|not a string/);
  });

  it('reads a form-declared body that starts with { as a form, not as JSON', () => {
    const body = JSON.stringify({ state: 's', music_user_token: 't' });
    const error = thrownBy(() =>
      parseCallback(body, { contentType: 'application/x-www-form-urlencoded' }),
    );
    expect(error.message).toMatch(/is unknown/);
    expect(parseCallback(body)).toMatchObject({ type: 'token', musicUserToken: 't' });
  });

  it('answers a callback with no body 400 and clears the state cookie', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const auth = createAppleMusicAuth({
      teamId: 'TEAM123456',
      keyId: 'KEY1234567',
      privateKey,
      callbackURL: 'https://app.example/auth/apple-music/callback',
      stateSecret: SECRET,
      app: { name: 'Limits App' },
    });
    try {
      const outcome = await auth.callbackStep({
        method: 'POST',
        url: '/auth/apple-music/callback',
        headers: { host: 'app.example' },
        encrypted: true,
        body: async () => '',
      });
      expect(outcome.status).toBe(303);
      expect(outcome.error?.code).toBe('ERR_CALLBACK_INVALID');
      expect(outcome.error?.status).toBe(400);
      expect(outcome.setCookies.some((cookie) => /Max-Age=0/i.test(cookie))).toBe(true);
      const response = await auth.handleCallback(
        new Request('https://app.example/auth/apple-music/callback', { method: 'POST' }),
        { onError: (error) => Response.json({ code: error.code }, { status: error.status }) },
      );
      expect(response.status).toBe(400);
      expect(response.headers.getSetCookie().some((cookie) => /Max-Age=0/i.test(cookie))).toBe(
        true,
      );
    } finally {
      await auth.close();
    }
  });
});

describe('option patterns', () => {
  it.each([
    'https://evil.example/https://app.example',
    'https://app.example/path',
    'ws://localhost',
    'wss://app.example',
    'javascript://app.example',
  ])('refuses %s as a developer-token origin', (value) => {
    expect(thrownBy(() => assertOrigin(value, 'origins[0]')).code).toBe('ERR_INVALID_OPTIONS');
  });

  it('keeps a plain https origin and a loopback http one', () => {
    expect(assertOrigin('https://app.example/', 'o')).toBe('https://app.example');
    expect(assertOrigin('http://localhost:3000', 'o')).toBe('http://localhost:3000');
  });

  it('refuses a cookie path without a leading /', () => {
    const error = thrownBy(() =>
      createCookieStateStore({ secret: SECRET, cookiePath: 'auth/apple-music/callback' }),
    );
    expect(error.code).toBe('ERR_INVALID_OPTIONS');
    expect(error.message).toMatch(/cookiePath/);
  });
});
