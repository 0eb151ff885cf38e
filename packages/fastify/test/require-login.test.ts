// The guard on its own, over a plain request: which stored values count as a
// login, and which errors from the handler it answers.
import { AppleMusicAuthError } from '@apple-music-auth/core';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appleMusicAuth } from '../src/index.js';
import { keyId, privateKey, stateSecret, teamId } from './support/scenario-app.js';

const app = Fastify();
beforeAll(async () => {
  await app.register(appleMusicAuth, { teamId, keyId, privateKey, state: { secret: stateSecret } });
});
afterAll(() => app.close());

/** A guard whose `read` returns `stored`, recording what it did. */
function guarded(stored: unknown) {
  const calls: string[] = [];
  const guard = app.appleMusic.requireLogin({
    read: () => stored as string,
    clear: () => void calls.push('clear'),
  });
  const request = {
    raw: { method: 'GET', url: '/recent', headers: { accept: 'application/json' } },
    url: '/recent',
  } as unknown as FastifyRequest;
  // The guard's answer is sent with reply.code(status): that is "login required".
  const reply = {
    code: () => {
      calls.push('login required');
      return reply;
    },
    headers: () => reply,
    send: () => reply,
  } as unknown as FastifyReply;
  return { calls, guard, request, reply };
}

describe('requireLogin', () => {
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
    expect(() => app.appleMusic.requireLogin(undefined as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTIONS' }),
    );
  });
});
