// The compact JWS a state is, checked part by part: what a hand-rolled HS256
// must refuse that jose used to, and the messages each refusal names.
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  assertMaxAgeSeconds,
  assertStateSecret,
  createNonce,
  createState,
  stateReplayed,
  verifyState,
} from '../../src/state/signed-state.js';
import { rejectionOf, thrownBy } from '../support/errors.js';

const SECRET = 'a-state-secret-of-at-least-32-characters';
const TYPE = 'apple-music-auth-state+jwt';
const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A compact JWS over any header and payload, signed with SECRET. */
function signed(header: unknown, payload: unknown): string {
  const input = `${part(header)}.${part(payload)}`;
  return `${input}.${createHmac('sha256', SECRET).update(input).digest('base64url')}`;
}

const header = { alg: 'HS256', typ: TYPE };
const now = Math.floor(Date.now() / 1000);

async function refusal(state: unknown, nonce: unknown = 'n') {
  return rejectionOf(
    verifyState({ state: state as string, nonce: nonce as string, secret: SECRET }),
  );
}

describe('the parts of a state', () => {
  it.each([['null'], ['[]'], ['"text"'], ['1']])(
    'refuses a header that is JSON %s, not an object, as not a compact JWT',
    async (json) => {
      const state = `${Buffer.from(json).toString('base64url')}.${part({ nh: 'x' })}.c2ln`;
      expect((await refusal(state)).message).toMatch(/compact JWT/);
    },
  );

  it('refuses a state with a fourth part, even when its first three verify', async () => {
    const nonce = createNonce();
    const state = await createState({ secret: SECRET, nonce });
    await expect(verifyState({ state, nonce, secret: SECRET })).resolves.toMatchObject({});
    expect((await refusal(`${state}.extra`, nonce)).message).toMatch(/compact JWT/);
  });

  it.each([[[1]], [null], ['text']])(
    'refuses a signed payload that is %j, not an object',
    async (payload) => {
      const error = await refusal(signed(header, payload));
      expect(error.code).toBe('ERR_STATE_MALFORMED');
      expect(error.message).toMatch(/compact JWT/);
    },
  );

  it('names the typ header and each missing claim', async () => {
    const claims = { nh: 'x', iat: now, exp: now + 600 };
    expect((await refusal(signed({ alg: 'HS256' }, claims))).message).toMatch(
      /unexpected "typ" header/,
    );
    for (const name of ['nh', 'iat', 'exp'] as const) {
      const { [name]: _dropped, ...rest } = claims;
      expect((await refusal(signed(header, rest))).message).toMatch(
        new RegExp(`missing required "${name}" claim`),
      );
    }
  });

  it.each([
    ['iat', { nh: 'x', iat: 'now', exp: now + 600 }],
    ['exp', { nh: 'x', iat: now, exp: String(now + 600) }],
  ])('refuses an %s that is not a number', async (_claim, claims) => {
    expect((await refusal(signed(header, claims))).message).toMatch(/iat and exp must be numbers/);
  });

  it('refuses a returnTo that is a path but not in its normalized form', async () => {
    const nonce = createNonce();
    const nh = createHash('sha256').update(nonce).digest('base64url');
    const state = signed(header, { nh, rt: '/a/../b', iat: now, exp: now + 600 });
    expect((await refusal(state, nonce)).message).toMatch(/returnTo/);
  });
});

describe('what the browser and the callback hand over', () => {
  it.each([[''], [null], [undefined]])('reports a nonce of %j as missing', async (nonce) => {
    const state = await createState({ secret: SECRET, nonce: createNonce() });
    const error = await rejectionOf(verifyState({ state, nonce, secret: SECRET }));
    expect(error.code).toBe('ERR_STATE_MISSING');
  });

  it('refuses a nonce that is not a string as not one this library made', async () => {
    const state = await createState({ secret: SECRET, nonce: createNonce() });
    const error = await refusal(state, 12345);
    expect(error.code).toBe('ERR_STATE_MALFORMED');
    expect(error.message).toMatch(/nonce kept by this browser/);
  });

  it('refuses a state that is not a string', async () => {
    expect((await refusal(12345)).message).toMatch(/compact JWT/);
  });

  it.each([[''], [5]])('refuses to create a state for the nonce %j', async (nonce) => {
    const error = await rejectionOf(createState({ secret: SECRET, nonce: nonce as string }));
    expect(error.code).toBe('ERR_INVALID_OPTIONS');
    expect(error.message).toMatch(/`nonce`/);
  });
});

describe('messages that name the option', () => {
  it('names state.secret, state.maxAge and seconds by default, and secret in verifyState', async () => {
    expect(thrownBy(() => assertStateSecret('short')).message).toMatch(/`state\.secret`/);
    const maxAge = thrownBy(() => assertMaxAgeSeconds(5));
    expect(maxAge.message).toMatch(/`state\.maxAge`/);
    expect(maxAge.message).toMatch(/seconds/);
    const verify = await rejectionOf(verifyState({ state: 's', nonce: 'n', secret: 'short' }));
    expect(verify.message).toMatch(/`secret`/);
  });

  it('says a replayed state finishes one login only and what to do', () => {
    expect(stateReplayed().message).toMatch(
      /already used: a state finishes one login only\. Start the login again from the login route\./,
    );
  });
});
