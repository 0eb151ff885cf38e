import { decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  assertAppleId,
  assertOrigin,
  assertOrigins,
  checkTokenClaims,
  MAX_DEVELOPER_TOKEN_LIFETIME_SECONDS,
  parseExpiresIn,
  signDeveloperToken,
} from '../../src/tokens/developer-token.js';
import { rejectionOf, thrownBy } from '../support/errors.js';
import { generateP256, verifyES256WithNode } from '../support/generated-keys.js';

const key = generateP256();
const teamId = 'ABCDE12345';
const keyId = 'KEY1234567';
const now = new Date('2030-01-02T03:04:05.678Z');
const nowSeconds = Math.floor(now.getTime() / 1000);

async function verified(token: string) {
  return jwtVerify(token, key.publicKey, {
    algorithms: ['ES256'],
    issuer: teamId,
    currentDate: now,
  });
}

describe('signDeveloperToken', () => {
  it('signs the ES256 token Apple expects, verifiable with the public key', async () => {
    const token = await signDeveloperToken({ teamId, keyId, privateKey: key.pem, now });
    const { payload, protectedHeader } = await verified(token);
    expect(protectedHeader).toEqual({ alg: 'ES256', kid: keyId });
    expect(payload).toEqual({
      iss: teamId,
      iat: nowSeconds,
      exp: nowSeconds + MAX_DEVELOPER_TOKEN_LIFETIME_SECONDS,
    });
    expect(verifyES256WithNode(token, key.publicKey)).toBe(true);
  });

  it('produces a signature that Node verifies as IEEE P1363 r||s over header.payload', async () => {
    const token = await signDeveloperToken({ teamId, keyId, privateKey: key.privateKey, now });
    const [header, payload, signature] = token.split('.');
    expect(Buffer.from(signature ?? '', 'base64url')).toHaveLength(64);
    expect(verifyES256WithNode(token, key.publicKey)).toBe(true);
    expect(verifyES256WithNode(`${header}.${payload}x.${signature}`, key.publicKey)).toBe(false);
    expect(verifyES256WithNode(token, generateP256().publicKey)).toBe(false);
  });

  it('adds the origin claim when origins are given', async () => {
    const token = await signDeveloperToken({
      teamId,
      keyId,
      privateKey: key.pem,
      now,
      expiresIn: '12h',
      origins: ['https://app.example', 'http://localhost:3000', 'https://app.example/'],
    });
    const { payload } = await verified(token);
    expect(payload).toEqual({
      iss: teamId,
      iat: nowSeconds,
      exp: nowSeconds + 12 * 3600,
      origin: ['https://app.example', 'http://localhost:3000'],
    });
    expect(verifyES256WithNode(token, key.publicKey)).toBe(true);
  });

  it('leaves the origin claim out for an empty list', async () => {
    const token = await signDeveloperToken({
      teamId,
      keyId,
      privateKey: key.pem,
      now,
      origins: [],
    });
    expect((await verified(token)).payload).not.toHaveProperty('origin');
  });

  it('signs at the current time by default', async () => {
    const before = Math.floor(Date.now() / 1000);
    const token = await signDeveloperToken({ teamId, keyId, privateKey: key.pem, expiresIn: 60 });
    const { payload } = await jwtVerify(token, key.publicKey);
    expect(payload.iat).toBeGreaterThanOrEqual(before);
    expect(payload.iat).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    expect(payload.exp).toBe((payload.iat ?? 0) + 60);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', kid: keyId });
  });

  it('rejects bad options before touching the key', async () => {
    const base = { teamId, keyId, privateKey: 'not a key', now };
    expect(await rejectionOf(signDeveloperToken({ ...base, teamId: 'team' }))).toMatchObject({
      code: 'ERR_INVALID_OPTIONS',
      message: expect.stringContaining('`teamId`'),
    });
    expect(await rejectionOf(signDeveloperToken({ ...base, keyId: 'k' }))).toMatchObject({
      code: 'ERR_INVALID_OPTIONS',
      message: expect.stringContaining('`keyId`'),
    });
    expect(await rejectionOf(signDeveloperToken({ ...base, expiresIn: '1y' }))).toMatchObject({
      code: 'ERR_INVALID_OPTIONS',
      message: expect.stringContaining('`expiresIn`'),
    });
    expect(await rejectionOf(signDeveloperToken({ ...base, origins: ['x'] }))).toMatchObject({
      code: 'ERR_INVALID_OPTIONS',
      message: expect.stringContaining('`origins[0]`'),
    });
    expect(
      await rejectionOf(signDeveloperToken({ ...base, now: new Date(Number.NaN) })),
    ).toMatchObject({
      code: 'ERR_INVALID_OPTIONS',
      message: expect.stringMatching(/`now`: must be a valid Date/),
    });
  });

  it('rejects a call without options', async () => {
    const error = await rejectionOf(
      signDeveloperToken(undefined as unknown as Parameters<typeof signDeveloperToken>[0]),
    );
    expect(error.message).toMatch(/`options`: pass an object with teamId, keyId and privateKey/);
  });

  it('rejects a bad key with ERR_INVALID_KEY', async () => {
    const error = await rejectionOf(
      signDeveloperToken({
        teamId,
        keyId,
        privateKey: key.publicKey.export({ type: 'spki', format: 'pem' }) as string,
      }),
    );
    expect(error.code).toBe('ERR_INVALID_KEY');
    expect(error.message).toMatch(/public key/);
  });
});

describe('parseExpiresIn', () => {
  it.each([
    ['180d', MAX_DEVELOPER_TOKEN_LIFETIME_SECONDS],
    ['12h', 43_200],
    ['30m', 1800],
    ['3600s', 3600],
    ['3600', 3600],
    [' 7 D ', 604_800],
    [3600, 3600],
    [1, 1],
    [MAX_DEVELOPER_TOKEN_LIFETIME_SECONDS, MAX_DEVELOPER_TOKEN_LIFETIME_SECONDS],
    [`${MAX_DEVELOPER_TOKEN_LIFETIME_SECONDS}s`, MAX_DEVELOPER_TOKEN_LIFETIME_SECONDS],
    ['60', 60],
    ['2 days', 172_800],
    ['10h', 36_000],
    ['7d', 604_800],
    ['1 Day', 86_400],
    ['1.5h', 5400],
    ['.5d', 43_200],
    ['90 minutes', 5400],
    ['45 mins', 2700],
    ['2 hrs', 7200],
    ['1 week', 604_800],
    ['25w', 15_120_000],
    ['30 secs', 30],
    ['3600000ms', 3600],
    ['180 days', MAX_DEVELOPER_TOKEN_LIFETIME_SECONDS],
  ])('reads %j as %i seconds', (input, seconds) => {
    expect(parseExpiresIn(input)).toBe(seconds);
  });

  it.each([
    ['one second over 180 days', MAX_DEVELOPER_TOKEN_LIFETIME_SECONDS + 1, /too long/],
    ["Apple's documented 15777000 s", 15_777_000, /too long/],
    ['181d', '181d', /too long/],
    ['4321h', '4321h', /too long/],
    ['zero', 0, /greater than 0/],
    ['"0s"', '0s', /greater than 0/],
    ['a negative number', -60, /greater than 0/],
    ['a fraction', 1.5, /whole number of seconds/],
    ['NaN', Number.NaN, /whole number of seconds greater than 0, got NaN/],
    ['Infinity', Number.POSITIVE_INFINITY, /whole number of seconds/],
    ['a year', '1y', /"1y" is too long/],
    ['26 weeks', '26 weeks', /too long/],
    ['181 days', '181 days', /too long/],
    ['half a second', '1.5s', /whole number of seconds/],
    ['1500 ms', '1500ms', /whole number of seconds/],
    ['a negative string', '-5m', /expected seconds \(a number\) or a string like '180d', '2 days'/],
    ['an unknown unit', '2 fortnights', /expected seconds/],
    ['two units', '1d 2h', /expected seconds/],
    ['a unit alone', 'days', /expected seconds/],
    ['an empty string', '', /got an empty string/],
    ['null', null, /got null/],
    ['an object', {}, /got an object/],
  ])('refuses %s', (_name, input, message) => {
    const error = thrownBy(() => parseExpiresIn(input));
    expect(error.code).toBe('ERR_INVALID_OPTIONS');
    expect(error.message).toMatch(/^Invalid option `expiresIn`: /);
    expect(error.message).toMatch(message);
    expect(error.message).toContain("at most 180 days ('180d' = 15552000 seconds)");
  });

  it('names the field it was given', () => {
    expect(thrownBy(() => parseExpiresIn('x', 'developerToken.expiresIn')).message).toMatch(
      /^Invalid option `developerToken.expiresIn`/,
    );
  });
});

describe('assertAppleId', () => {
  it('returns a valid id', () => {
    expect(assertAppleId('teamId', 'ABCDE12345')).toBe('ABCDE12345');
    expect(assertAppleId('keyId', '0123456789')).toBe('0123456789');
  });

  it.each([
    ['teamId', 'abcde12345', /got "abcde12345" \(use uppercase letters\)/],
    ['teamId', ' ABCDE12345\n', /remove the surrounding whitespace/],
    ['teamId', 'ABCDE1234', /exactly 10 uppercase letters and digits/],
    ['teamId', 'ABCDE-1234', /got "ABCDE-1234"; your Team ID/],
    ['teamId', 1234567890, /got 1234567890/],
    ['teamId', undefined, /got nothing/],
    ['keyId', 'x'.repeat(100), /got a string of 100 characters/],
    ['keyId', ['KEY1234567'], /got an array of 1 items/],
    ['keyId', true, /got a boolean/],
  ] as const)('refuses %s = %j', (field, value, message) => {
    const error = thrownBy(() => assertAppleId(field, value));
    expect(error.code).toBe('ERR_INVALID_OPTIONS');
    expect(error.message).toMatch(new RegExp(`^Invalid option \`${field}\``));
    expect(error.message).toMatch(message);
    expect(error.message).toContain(
      field === 'teamId' ? 'Membership details' : 'Certificates, Identifiers & Profiles > Keys',
    );
  });

  it('uses the name it was given', () => {
    expect(thrownBy(() => assertAppleId('teamId', 'x', '--team-id')).message).toMatch(
      /^Invalid option `--team-id`.*Membership/,
    );
  });
});

describe('assertOrigins', () => {
  it('returns normalised, deduplicated origins', () => {
    expect(
      assertOrigins([
        'https://app.example',
        'https://App.Example/',
        'https://app.example:8443',
        'http://localhost:5173',
        'http://127.0.0.1',
        'http://[::1]:3000',
      ]),
    ).toEqual([
      'https://app.example',
      'https://app.example:8443',
      'http://localhost:5173',
      'http://127.0.0.1',
      'http://[::1]:3000',
    ]);
    expect(assertOrigins(undefined)).toEqual([]);
    expect(assertOrigins([])).toEqual([]);
  });

  it.each([
    ['a string', 'https://app.example', /`origins`: must be an array of web origins/],
    ['a path', ['https://app.example/login'], /`origins\[0\]`: must be a web origin/],
    ['a query', ['https://app.example?x=1'], /`origins\[0\]`/],
    ['a fragment', ['https://app.example#top'], /`origins\[0\]`/],
    ['credentials', ['https://user:pw@app.example'], /`origins\[0\]`/],
    [
      'no scheme',
      ['app.example'],
      /`origins\[0\]`: .*got "app.example"\. Add the scheme: 'https:\/\/app.example'/,
    ],
    ['no scheme, with a port', ['localhost:5173'], /Add the scheme: 'https:\/\/localhost:5173'/],
    ['a non-web scheme', ['ftp://app.example'], /Use https/],
    [
      'http on a public host',
      ['https://ok.example', 'http://app.example'],
      /`origins\[1\]`.*Use https \(http only for localhost\)/,
    ],
    ['a number', [42], /`origins\[0\]`.*got 42/],
    ['an invalid host', ['https://exa mple'], /`origins\[0\]`/],
    ['an invalid port', ['https://app.example:99999'], /`origins\[0\]`/],
  ])('refuses %s', (_name, value, message) => {
    const error = thrownBy(() => assertOrigins(value));
    expect(error.code).toBe('ERR_INVALID_OPTIONS');
    expect(error.message).toMatch(message);
  });
});

describe('option shapes', () => {
  it('refuses token claims of null with ERR_INVALID_OPTIONS', () => {
    expect(thrownBy(() => checkTokenClaims(null)).code).toBe('ERR_INVALID_OPTIONS');
  });

  it('suggests adding the scheme only to a string that lacks one', () => {
    expect(thrownBy(() => assertOrigin('app.example', 'o')).message).toContain(
      "Add the scheme: 'https://app.example'",
    );
    expect(thrownBy(() => assertOrigin(42, 'o')).message).not.toMatch(/Add the scheme/);
  });
});
