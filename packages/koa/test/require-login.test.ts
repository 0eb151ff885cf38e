// The guard on its own, over a plain ctx: which stored values count as a
// login, and which errors from downstream it answers.
import { generateKeyPairSync } from 'node:crypto';
import { AppleMusicAuthError } from '@apple-music-auth/core';
import type { Context } from 'koa';
import { afterAll, describe, expect, it } from 'vitest';
import { appleMusicAuth } from '../src/index.js';

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const am = appleMusicAuth({
  teamId: 'TEAM123456',
  keyId: 'KEY1234567',
  privateKey,
  callbackURL: 'https://app.example/auth/apple-music/callback',
  state: { secret: 'a-state-secret-that-is-long-enough-for-hmac' },
});
afterAll(() => am.close());

/** A guard whose `read` returns `stored`, recording what it did. */
function guarded(stored: unknown) {
  const calls: string[] = [];
  const guard = am.requireLogin({
    read: () => stored as string,
    clear: () => void calls.push('clear'),
  });
  const req = { method: 'GET', url: '/recent', headers: { accept: 'application/json' } };
  // The guard's answer is written with ctx.set(headers): that is "login required".
  const ctx = {
    state: {},
    req,
    url: '/recent',
    set: () => void calls.push('login required'),
    append: () => undefined,
  } as unknown as Context;
  const run = (downstream: () => Promise<void>) =>
    guard(ctx as never, async () => {
      calls.push('next');
      await downstream();
    });
  return { calls, run };
}

describe('createRequireLogin', () => {
  it.each([
    ['an empty token', ''],
    ['a token that is not a string', 42],
  ])('answers login required for %s', async (_what, stored) => {
    const { calls, run } = guarded(stored);
    await run(async () => undefined);
    expect(calls).toEqual(['login required']);
  });

  it('passes on an error of another code, and one that only looks like the refusal', async () => {
    const lookalike = Object.assign(new Error('not ours'), { code: 'ERR_USER_TOKEN_REJECTED' });
    for (const error of [
      new AppleMusicAuthError('ERR_UPSTREAM', 'Apple answered 500.'),
      lookalike,
    ]) {
      const { calls, run } = guarded('token');
      await expect(
        run(async () => {
          throw error;
        }),
      ).rejects.toBe(error);
      expect(calls).toEqual(['next']);
    }
  });

  it('refuses missing options with ERR_INVALID_OPTIONS', () => {
    expect(() => am.requireLogin(undefined as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTIONS' }),
    );
  });
});
