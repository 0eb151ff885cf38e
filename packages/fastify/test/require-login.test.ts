// The guard on its own, over a plain request: which stored values count as a
// login, and which errors from the handler it answers.
import { AppleMusicAuthError } from '@apple-music-auth/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { createRequireLogin } from '../src/require-login.js';

/** A guard whose `read` returns `stored`, recording what it did. */
function guarded(stored: unknown) {
  const calls: string[] = [];
  const reply = {} as FastifyReply;
  const guard = createRequireLogin(() => {
    calls.push('login required');
    return reply;
  })({ read: () => stored as string, clear: () => void calls.push('clear') });
  const request = {} as FastifyRequest;
  return { calls, guard, request, reply };
}

describe('createRequireLogin', () => {
  it.each([
    ['an empty token', ''],
    ['a token that is not a string', 42],
  ])('answers login required for %s', async (_what, stored) => {
    const { calls, guard, request, reply } = guarded(stored);
    await guard.preHandler(request, reply);
    expect(calls).toEqual(['login required']);
  });

  it('rethrows an error of another code, and one that only looks like the refusal', async () => {
    const lookalike = Object.assign(new Error('not ours'), { code: 'ERR_USER_TOKEN_REJECTED' });
    for (const error of [
      new AppleMusicAuthError('ERR_UPSTREAM', 'Apple answered 500.'),
      lookalike,
    ]) {
      const { calls, guard, request, reply } = guarded('token');
      await expect(guard.errorHandler(error, request, reply)).rejects.toBe(error);
      expect(calls).toEqual([]);
    }
  });

  it('refuses missing options with ERR_INVALID_OPTIONS', () => {
    expect(() => createRequireLogin(() => ({}) as FastifyReply)(undefined as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTIONS' }),
    );
  });
});
