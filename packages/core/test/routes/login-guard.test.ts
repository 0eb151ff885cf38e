import { describe, expect, it } from 'vitest';
import { AppleMusicAuthError, TokenError } from '../../src/errors.js';
import { createLoginGuard, type LoginStorage } from '../../src/routes/login-guard.js';
import type { FlowRequest, StepReply } from '../../src/routes/login-steps.js';

interface Req {
  token: string | undefined;
  cleared: number;
}
const storage: LoginStorage<Req> = {
  read: async (request) => request.token,
  clear: (request) => {
    request.cleared += 1;
    request.token = undefined;
  },
};
const LOGIN_REQUIRED: StepReply = { status: 401, headers: {}, setCookies: [], body: 'login' };
const toFlow = (): FlowRequest => ({ method: 'GET', url: '/recent', headers: {} });
const guard = createLoginGuard(storage, toFlow, () => LOGIN_REQUIRED);

describe('the login guard', () => {
  it('lets a stored token through, and answers login-required without one', async () => {
    expect(await guard.check({ token: 'mut', cleared: 0 })).toEqual({
      musicUserToken: 'mut',
      reply: undefined,
    });
    for (const token of [undefined, '']) {
      expect(await guard.check({ token, cleared: 0 })).toEqual({
        musicUserToken: undefined,
        reply: LOGIN_REQUIRED,
      });
    }
  });

  it("clears the token on Apple's 403 and answers login-required", async () => {
    const request = { token: 'mut', cleared: 0 };
    const rejected = new TokenError('ERR_USER_TOKEN_REJECTED', 'Apple refused it');
    expect(await guard.rejected(rejected, request)).toBe(LOGIN_REQUIRED);
    expect(request).toEqual({ token: undefined, cleared: 1 });
  });

  it('rethrows anything else without clearing: a 401, another error, a bug', async () => {
    const request = { token: 'mut', cleared: 0 };
    for (const error of [
      new TokenError('ERR_DEVELOPER_TOKEN_REJECTED', '401'),
      new AppleMusicAuthError('ERR_UPSTREAM', '502'),
      new Error('bug'),
    ]) {
      await expect(guard.rejected(error, request)).rejects.toBe(error);
    }
    expect(request.cleared).toBe(0);
  });

  it('refuses storage without read or clear, naming the missing one', () => {
    for (const field of ['read', 'clear'] as const) {
      const { [field]: _left, ...partial } = storage;
      expect(() =>
        createLoginGuard(partial as LoginStorage<Req>, toFlow, () => LOGIN_REQUIRED),
      ).toThrow(
        expect.objectContaining({
          code: 'ERR_INVALID_OPTIONS',
          message: expect.stringContaining(`requireLogin({ ${field} })`),
        }),
      );
    }
  });
});
