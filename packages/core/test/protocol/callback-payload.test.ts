import { describe, expect, it } from 'vitest';
import { AppleMusicAuthError, AuthorizationError } from '../../src/errors.js';
import {
  authorizationErrorFor,
  CALLBACK_ERRORS,
  CALLBACK_FIELDS,
  MAX_CALLBACK_BODY_BYTES,
  MAX_MUSIC_USER_TOKEN_LENGTH,
  parseCallback,
} from '../../src/protocol/callback-payload.js';
import { thrownBy } from '../support/errors.js';

/** Shaped like Apple's tokens: standard base64 with '+', '/' and '=' padding. */
function appleLikeToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(211));
  bytes[0] = 0xfb; // base64 '+' at the start ...
  bytes[1] = 0xff; // ... and '/' right after
  return `${Buffer.from(bytes).toString('base64')}`;
}

const STATE = 'eyJhbGciOiJIUzI1NiJ9.eyJuaCI6IngifQ.c2lnbmF0dXJl';

describe('parseCallback', () => {
  it("keeps a token's '+', '/' and '=' when the form body comes from URLSearchParams", () => {
    const token = appleLikeToken();
    expect(token).toMatch(/^\+\/.*=$/);
    const body = new URLSearchParams({ state: STATE, music_user_token: token, restricted: '0' });
    expect(body.toString()).toContain('%2B');
    expect(parseCallback(body.toString())).toEqual({
      type: 'token',
      musicUserToken: token,
      restricted: false,
      state: STATE,
    });
    expect(parseCallback(body)).toEqual(parseCallback(body.toString()));
    expect(
      parseCallback(body.toString(), {
        contentType: 'application/x-www-form-urlencoded;charset=UTF-8',
      }),
    ).toMatchObject({ musicUserToken: token });
  });

  it.each([
    ['1', true],
    ['true', true],
    ['0', false],
    ['false', false],
  ])('reads restricted=%s as %s', (value, expected) => {
    const body = `state=s&music_user_token=t&restricted=${value}`;
    expect(parseCallback(body)).toMatchObject({ restricted: expected });
  });

  it('defaults restricted to false and state to undefined when absent', () => {
    expect(parseCallback('music_user_token=t')).toEqual({
      type: 'token',
      musicUserToken: 't',
      restricted: false,
      state: undefined,
    });
  });

  it('parses JSON by content type, or by a leading { without one, with boolean restricted', () => {
    const token = appleLikeToken();
    const json = JSON.stringify({ state: STATE, music_user_token: token, restricted: true });
    const expected = { type: 'token', musicUserToken: token, restricted: true, state: STATE };
    expect(parseCallback(json, { contentType: 'application/json; charset=utf-8' })).toEqual(
      expected,
    );
    expect(parseCallback(` ${json}`)).toEqual(expected);
    expect(parseCallback(json, { contentType: null })).toEqual(expected);
  });

  it('takes the object a framework body parser made, also with a null prototype', () => {
    expect(parseCallback({ music_user_token: 't', state: undefined })).toMatchObject({
      state: undefined,
    });
    expect(parseCallback({ state: 's', error: 'access_denied' })).toEqual({
      type: 'error',
      error: 'access_denied',
      state: 's',
    });
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, {
      music_user_token: 't',
      restricted: false,
    });
    expect(parseCallback(bare)).toMatchObject({ type: 'token', restricted: false });
  });

  it.each(CALLBACK_ERRORS)('reads error=%s', (error) => {
    expect(parseCallback(`state=s&error=${error}`)).toEqual({ type: 'error', error, state: 's' });
  });

  it('accepts a body of exactly the byte limit', () => {
    const head = 'error=cancelled&state=';
    const body = `${head}${'s'.repeat(MAX_CALLBACK_BODY_BYTES - head.length)}`;
    expect(parseCallback(body)).toMatchObject({ type: 'error' });
  });

  it('exports the field names the bridge page posts', () => {
    expect(CALLBACK_FIELDS).toEqual({
      musicUserToken: 'music_user_token',
      restricted: 'restricted',
      state: 'state',
      error: 'error',
    });
  });
});

describe('parseCallback refuses hostile bodies with ERR_CALLBACK_INVALID', () => {
  const token = 'dG9rZW4+/w==';
  const hostile: Array<[string, () => unknown, RegExp]> = [
    [
      'a form body over 16 KiB',
      () => parseCallback(`music_user_token=t&state=${'s'.repeat(MAX_CALLBACK_BODY_BYTES)}`),
      /larger than 16384 bytes/,
    ],
    [
      'a body under 16 Ki characters but over 16 KiB in UTF-8',
      () => parseCallback(`error=cancelled&state=${'é'.repeat(8200)}`),
      /larger than 16384 bytes/,
    ],
    [
      'URLSearchParams over 16 KiB',
      () => parseCallback(new URLSearchParams({ state: 's'.repeat(17_000), error: 'cancelled' })),
      /larger than 16384 bytes/,
    ],
    [
      'a parsed object over 16 KiB',
      () => parseCallback({ state: 's'.repeat(17_000), error: 'cancelled' }),
      /larger than 16384 bytes/,
    ],
    [
      'a duplicated field in a form body',
      () => parseCallback(`state=a&state=b&error=cancelled`),
      /"state" appears more than once/,
    ],
    [
      'a duplicated field in URLSearchParams',
      () =>
        parseCallback(
          new URLSearchParams([
            ['music_user_token', 'a'],
            ['music_user_token', 'b'],
          ]),
        ),
      /"music_user_token" appears more than once/,
    ],
    [
      'a repeated key in JSON text, the last value the valid one',
      () =>
        parseCallback('{"state":"forged","music_user_token":"t","state":"valid"}', {
          contentType: 'application/json',
        }),
      /"state" appears more than once/,
    ],
    [
      'a repeated key in JSON text spelt with an escape',
      () => parseCallback('{"error":"cancelled","state":"a", "st\\u0061te" :"b"}'),
      /"state" appears more than once/,
    ],
    ['an unknown field', () => parseCallback('music_user_token=t&admin=1'), /"admin" is unknown/],
    [
      'an unknown field with control characters in its name',
      () => parseCallback('music_user_token=t&x%0Ay=1'),
      /"x\\ny" is unknown/,
    ],
    [
      'a __proto__ field',
      () => parseCallback('music_user_token=t&__proto__=x'),
      /"__proto__" is forbidden/,
    ],
    ['a constructor field', () => parseCallback('constructor=x&error=cancelled'), /forbidden/],
    ['a prototype field', () => parseCallback('prototype=x&error=cancelled'), /forbidden/],
    [
      'a __proto__ key in JSON',
      () => parseCallback('{"music_user_token":"t","__proto__":{"admin":true}}'),
      /"__proto__" is forbidden/,
    ],
    [
      'a constructor key in a parsed object',
      () => parseCallback({ music_user_token: 't', constructor: 'x' }),
      /forbidden/,
    ],
    [
      'both a token and an error',
      () => parseCallback(`music_user_token=t&error=access_denied&state=s`),
      /both music_user_token and error/,
    ],
    ['neither a token nor an error', () => parseCallback('state=s'), /neither/],
    ['an empty body', () => parseCallback(''), /neither/],
    [
      'an array where a string belongs',
      () => parseCallback({ music_user_token: ['a', 'b'] }),
      /"music_user_token" is a list \(was it sent twice\?\)/,
    ],
    [
      'an object where a string belongs',
      () => parseCallback('{"music_user_token":{"toString":"x"}}'),
      /"music_user_token" is an object, not a string/,
    ],
    [
      'a number where a string belongs',
      () => parseCallback({ state: 5, error: 'cancelled' }),
      /"state" is 5, not a string/,
    ],
    ['null where a string belongs', () => parseCallback('{"error":null}'), /is null, not a string/],
    [
      'an unknown restricted value',
      () => parseCallback(new URLSearchParams({ music_user_token: 't', restricted: 'yes' })),
      /restricted must be '1' or '0'/,
    ],
    [
      'a numeric restricted in JSON',
      () => parseCallback('{"music_user_token":"t","restricted":1}'),
      /"restricted" is 1, not a string/,
    ],
    [
      'a control character in the token',
      () => parseCallback('music_user_token=abc%00def'),
      /control characters/,
    ],
    [
      'a newline in the state',
      () => parseCallback('music_user_token=t&state=a%0D%0Ab'),
      /"state" contains control characters/,
    ],
    ['DEL in the error', () => parseCallback('error=cancelled%7F'), /control characters/],
    ['a tab in the token', () => parseCallback({ music_user_token: 'a\tb' }), /control characters/],
    [
      'a token over 4 KiB',
      () => parseCallback(`music_user_token=${'a'.repeat(MAX_MUSIC_USER_TOKEN_LENGTH + 1)}`),
      /longer than 4096 characters/,
    ],
    [
      'an empty token',
      () => parseCallback('music_user_token=&state=s'),
      /music_user_token is empty/,
    ],
    [
      "a token whose '+' was not percent-encoded",
      () => parseCallback(`music_user_token=${token}&state=s`),
      /contains a space.*URLSearchParams/,
    ],
    [
      'a non-ASCII token',
      () => parseCallback({ music_user_token: 'tökén' }),
      /not printable ASCII/,
    ],
    [
      'an unknown error value',
      () => parseCallback('error=teapot&state=s'),
      /"teapot" is unknown; expected one of access_denied/,
    ],
    [
      'restricted with an error',
      () => parseCallback('error=cancelled&restricted=0'),
      /only goes with music_user_token/,
    ],
    [
      'invalid JSON',
      () => parseCallback('{"music_user_token":', { contentType: 'application/json' }),
      /not valid JSON/,
    ],
    [
      'a JSON array',
      () => parseCallback('[]', { contentType: 'application/json' }),
      /root is not an object/,
    ],
    [
      'a JSON string',
      () => parseCallback('"x"', { contentType: 'application/json' }),
      /root is not an object/,
    ],
    [
      'JSON null',
      () => parseCallback('null', { contentType: 'application/json' }),
      /root is not an object/,
    ],
    ['an empty state', () => parseCallback('music_user_token=t&state='), /state is empty/],
    [
      'an unsupported content type',
      () => parseCallback('music_user_token=t', { contentType: 'text/plain' }),
      /"text\/plain" is not supported/,
    ],
    ['no body at all', () => parseCallback(undefined as never), /body parser/],
    [
      'a number as the body',
      () => parseCallback(42 as never),
      /expected a string, URLSearchParams/,
    ],
    ['a class instance as the body', () => parseCallback(new Date() as never), /plain object/],
    ['an array as the body', () => parseCallback([] as never), /plain object/],
    [
      'a body that cannot be serialized',
      () => {
        const cyclic: Record<string, unknown> = { error: 'cancelled' };
        cyclic.state = cyclic;
        return parseCallback(cyclic);
      },
      /cannot be serialized/,
    ],
  ];

  it.each(hostile)('refuses %s', (what, run, message) => {
    const error = thrownBy(run);
    expect(error.code).toBe('ERR_CALLBACK_INVALID');
    expect(error.status).toBe(what.includes('16 KiB') ? 413 : 400);
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(/start the login again from the login route/);
  });

  it('never puts the token into the message', () => {
    const secret = `${'Zm9v'.repeat(500)}\u0001`;
    for (const body of [
      { music_user_token: secret },
      { music_user_token: `${'Zm9v'.repeat(1025)}` },
      { music_user_token: 'Zm9v Zm9v' },
    ]) {
      const error = thrownBy(() => parseCallback(body));
      expect(error.message).not.toContain('Zm9vZm9v');
      expect(error.message).not.toContain('Zm9v Zm9v');
    }
  });
});

describe('authorizationErrorFor', () => {
  it.each([
    ['access_denied', 'ERR_ACCESS_DENIED', 403, /declined access to Apple Music/],
    [
      'unavailable',
      'ERR_UNAVAILABLE',
      403,
      /not available for this account or region.*subscription/,
    ],
    ['cancelled', 'ERR_CANCELLED', 400, /closed before the login finished.*Try again/],
    ['popup_blocked', 'ERR_POPUP_BLOCKED', 400, /Allow popups for this site/],
  ] as const)('maps %s to %s', (value, code, status, message) => {
    const error = authorizationErrorFor(value);
    expect(error).toBeInstanceOf(AuthorizationError);
    expect(error).toBeInstanceOf(AppleMusicAuthError);
    expect(error.code).toBe(code);
    expect(error.status).toBe(status);
    expect(error.message).toMatch(message);
  });
});

describe('parseCallback: what its errors say', () => {
  it('quotes a field name of up to 40 characters whole, and cuts a longer one', () => {
    const forty = 'f'.repeat(40);
    expect(thrownBy(() => parseCallback(`${forty}=1`)).message).toContain(`"${forty}" is unknown`);
    expect(thrownBy(() => parseCallback(`${forty}g=1`)).message).toContain(
      `"${forty}…" is unknown`,
    );
  });

  it('says when the JSON root is not an object', () => {
    const error = thrownBy(() => parseCallback('[]', { contentType: 'application/json' }));
    expect(error.message).toMatch(/JSON root is not an object/);
  });

  it('says there is no body when a framework left none', () => {
    for (const body of [undefined, null]) {
      expect(thrownBy(() => parseCallback(body as never)).message).toMatch(/there is none/);
    }
  });

  it('reads a content type with spaces before its parameters', () => {
    const body = JSON.stringify({ state: STATE, music_user_token: 't' });
    expect(parseCallback(body, { contentType: 'Application/JSON ; charset=utf-8' })).toMatchObject({
      type: 'token',
      musicUserToken: 't',
    });
  });
});
