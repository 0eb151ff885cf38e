import { jwtVerify } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createDeveloperTokenCache,
  type DeveloperTokenCacheOptions,
} from '../../src/tokens/developer-token-cache.js';
import { thrownBy } from '../support/errors.js';
import { generateP256, verifyES256WithNode } from '../support/generated-keys.js';

const key = generateP256();
const teamId = 'ABCDE12345';
const keyId = 'KEY1234567';
const HOUR = 3_600_000;
const start = Date.UTC(2030, 0, 1);

afterEach(() => {
  vi.restoreAllMocks();
});

/** A clock the test moves by hand. */
function fakeClock(at = start) {
  const clock = { at, now: () => clock.at };
  return clock;
}

/** A cache of one-hour tokens signed with `key` on a fake clock, unless `options` say otherwise. */
function clockedCache(options: Partial<DeveloperTokenCacheOptions> = {}) {
  const clock = fakeClock();
  const cache = createDeveloperTokenCache({
    teamId,
    keyId,
    privateKey: key.pem,
    expiresIn: '1h',
    ...options,
    now: clock.now,
  });
  return { clock, cache };
}

async function claims(token: string, at: number) {
  const { payload, protectedHeader } = await jwtVerify(token, key.publicKey, {
    algorithms: ['ES256'],
    issuer: teamId,
    currentDate: new Date(at),
  });
  expect(protectedHeader).toEqual({ alg: 'ES256', kid: keyId });
  expect(verifyES256WithNode(token, key.publicKey)).toBe(true);
  return payload;
}

describe('createDeveloperTokenCache', () => {
  it('signs once and serves the same token until the renewal threshold', async () => {
    const { clock, cache } = clockedCache();
    expect(cache.expiresAt).toBeUndefined();

    const first = await cache.getToken();
    expect(await claims(first, clock.at)).toEqual({
      iss: teamId,
      iat: start / 1000,
      exp: start / 1000 + 3600,
    });
    expect(cache.expiresAt).toBe(start + HOUR);

    // Default renewBefore 0.1: the token is kept while at least 6 of its 60 minutes remain.
    clock.at = start + HOUR - 0.1 * HOUR;
    expect(await cache.getToken()).toBe(first);

    clock.at += 1;
    const second = await cache.getToken();
    expect(second).not.toBe(first);
    const renewed = await claims(second, clock.at);
    expect(renewed.iat).toBe(Math.floor(clock.at / 1000));
    expect(renewed.exp).toBe(Math.floor(clock.at / 1000) + 3600);
    expect(cache.expiresAt).toBe((Math.floor(clock.at / 1000) + 3600) * 1000);
    expect(await cache.getToken()).toBe(second);
  });

  it('defaults to 180-day tokens renewed with 18 days left, and carries origins', async () => {
    const clock = fakeClock();
    const day = 24 * HOUR;
    const cache = createDeveloperTokenCache({
      teamId,
      keyId,
      privateKey: key.privateKey,
      origins: ['https://app.example'],
      now: clock.now,
    });
    const first = await cache.getToken();
    expect(await claims(first, clock.at)).toEqual({
      iss: teamId,
      iat: start / 1000,
      exp: start / 1000 + 180 * 86_400,
      origin: ['https://app.example'],
    });
    clock.at = start + 162 * day;
    expect(await cache.getToken()).toBe(first);
    clock.at += 1000;
    expect(await cache.getToken()).not.toBe(first);
  });

  it('honours renewBefore', async () => {
    const { clock, cache } = clockedCache({ expiresIn: 3600, renewBefore: 0.5 });
    const first = await cache.getToken();
    clock.at = start + HOUR / 2;
    expect(await cache.getToken()).toBe(first);
    clock.at += 1;
    expect(await cache.getToken()).not.toBe(first);
  });

  it('signs exactly once for 50 concurrent callers, at first and during renewal', async () => {
    const sign = vi.spyOn(crypto.subtle, 'sign');
    const importKey = vi.spyOn(crypto.subtle, 'importKey');
    const { clock, cache } = clockedCache();

    const initial = await Promise.all(Array.from({ length: 50 }, () => cache.getToken()));
    expect(new Set(initial).size).toBe(1);
    expect(sign).toHaveBeenCalledTimes(1);

    clock.at = start + HOUR - 60_000;
    const renewed = await Promise.all(Array.from({ length: 50 }, () => cache.getToken()));
    expect(new Set(renewed).size).toBe(1);
    expect(renewed[0]).not.toBe(initial[0]);
    expect(sign).toHaveBeenCalledTimes(2);
    expect((await claims(renewed[0] ?? '', clock.at)).iat).toBe(Math.floor(clock.at / 1000));

    // The .p8 text was imported once, not once per signing.
    expect(importKey).toHaveBeenCalledTimes(1);
  });

  it('does not cache a failed signing: the next call signs again', async () => {
    const { clock, cache } = clockedCache();
    const sign = vi
      .spyOn(crypto.subtle, 'sign')
      .mockRejectedValueOnce(new Error('OperationError: signing failed'));

    const callers = await Promise.allSettled([cache.getToken(), cache.getToken()]);
    expect(callers.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(sign).toHaveBeenCalledTimes(1);
    expect(cache.expiresAt).toBeUndefined();

    const token = await cache.getToken();
    expect(sign).toHaveBeenCalledTimes(2);
    expect((await claims(token, clock.at)).iss).toBe(teamId);
  });

  it('keeps serving the current token when a renewal fails and the retry succeeds', async () => {
    const { clock, cache } = clockedCache();
    const first = await cache.getToken();
    const expiresAt = cache.expiresAt;
    clock.at = start + HOUR - 1000;
    vi.spyOn(crypto.subtle, 'sign').mockRejectedValueOnce(new Error('transient'));
    await expect(cache.getToken()).rejects.toThrow('transient');
    expect(cache.expiresAt).toBe(expiresAt);
    const second = await cache.getToken();
    expect(second).not.toBe(first);
  });

  it('throws ERR_INVALID_KEY at creation for a wrong key, before any request', () => {
    const error = thrownBy(() =>
      createDeveloperTokenCache({ teamId, keyId, privateKey: 'not a key' }),
    );
    expect(error.code).toBe('ERR_INVALID_KEY');
  });

  it('uses Date.now by default', async () => {
    const cache = createDeveloperTokenCache({ teamId, keyId, privateKey: key.pem, expiresIn: 60 });
    const before = Date.now();
    await cache.getToken();
    expect(cache.expiresAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 60_000);
    expect(cache.expiresAt).toBeLessThanOrEqual(Date.now() + 60_000);
  });

  it('throws ERR_INVALID_OPTIONS at creation without options', () => {
    expect(() =>
      createDeveloperTokenCache(null as unknown as Parameters<typeof createDeveloperTokenCache>[0]),
    ).toThrow(/`options`: pass an object/);
  });

  it.each([
    ['teamId', { teamId: 'abc' }, /`teamId`/],
    ['keyId', { keyId: undefined }, /`keyId`/],
    ['expiresIn', { expiresIn: '200d' }, /`expiresIn`.*180 days/],
    ['origins', { origins: ['https://app.example/path'] }, /`origins\[0\]`/],
    [
      'renewBefore = 0',
      { renewBefore: 0 },
      /`renewBefore`: must be a number greater than 0 and less than 1/,
    ],
    ['renewBefore = 1', { renewBefore: 1 }, /`renewBefore`.*got 1\./],
    ['renewBefore = NaN', { renewBefore: Number.NaN }, /`renewBefore`.*got NaN/],
    ['renewBefore as a string', { renewBefore: '0.1' }, /`renewBefore`/],
    ['now as a number', { now: 5 }, /`now`: must be a function/],
    [
      'a missing privateKey',
      { privateKey: undefined },
      /`privateKey`: give the text of your AuthKey_<KEYID>.p8/,
    ],
    ['an empty privateKey', { privateKey: '' }, /`privateKey`/],
  ])('throws ERR_INVALID_OPTIONS at creation for %s', (_name, override, message) => {
    const options = { teamId, keyId, privateKey: key.pem, ...override };
    const error = thrownBy(() =>
      createDeveloperTokenCache(options as Parameters<typeof createDeveloperTokenCache>[0]),
    );
    expect(error.code).toBe('ERR_INVALID_OPTIONS');
    expect(error.message).toMatch(message);
  });
});
