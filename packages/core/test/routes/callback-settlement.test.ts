import { describe, expect, it } from 'vitest';
import { AppleMusicAuthError, TokenError } from '../../src/errors.js';
import { settleCallback } from '../../src/routes/callback-settlement.js';
import type { LoginResult } from '../../src/routes/login-flow.js';
import type { CallbackOutcome, FlowRequest, StepReply } from '../../src/routes/login-steps.js';

const request: FlowRequest = { method: 'POST', url: '/auth/apple-music/callback', headers: {} };
const result = { musicUserToken: 'mut', returnTo: '/library' } as LoginResult;
const reply = (status: number): StepReply => ({ status, headers: {}, setCookies: [], body: '' });
const success: CallbackOutcome = { ...reply(303), result, error: undefined };
const declined = new AppleMusicAuthError('ERR_ACCESS_DENIED', 'no');
const failure: CallbackOutcome = { ...reply(303), result: undefined, error: declined };
/** The failure reply core would give, marked with the error's code and the returnTo it got. */
const failureReply = (error: AppleMusicAuthError, _request: FlowRequest, returnTo?: string) => ({
  ...reply(303),
  body: `${error.code} ${returnTo}`,
});
const send = (answer: StepReply) => `sent ${answer.status} ${answer.body}`.trim();

describe('settleCallback', () => {
  it("sends core's answer when the app gives no hooks", async () => {
    expect(await settleCallback(success, request, { send }, failureReply)).toBe('sent 303');
    expect(await settleCallback(failure, request, { send }, failureReply)).toBe('sent 303');
  });

  it("hands a success to onSuccess and a failure to onError with core's answer", async () => {
    const hooks = {
      send,
      onSuccess: (r: LoginResult) => `ok ${r.musicUserToken}`,
      onError: (e: AppleMusicAuthError, r: StepReply) => `failed ${e.code} ${r.status}`,
    };
    expect(await settleCallback(success, request, hooks, failureReply)).toBe('ok mut');
    expect(await settleCallback(failure, request, hooks, failureReply)).toBe(
      'failed ERR_ACCESS_DENIED 303',
    );
  });

  it('answers a library error thrown by onSuccess as a failed login, keeping returnTo', async () => {
    const thrown = new TokenError('ERR_USER_TOKEN_REJECTED', '403');
    const onSuccess = () => {
      throw thrown;
    };
    expect(await settleCallback(success, request, { send, onSuccess }, failureReply)).toBe(
      'sent 303 ERR_USER_TOKEN_REJECTED /library',
    );
    const onError = (e: AppleMusicAuthError, r: StepReply) => `${e === thrown} ${r.body}`;
    expect(await settleCallback(success, request, { send, onSuccess, onError }, failureReply)).toBe(
      'true ERR_USER_TOKEN_REJECTED /library',
    );
  });

  it('lets any other error from onSuccess propagate', async () => {
    const bug = new TypeError('bug');
    const onSuccess = async () => {
      throw bug;
    };
    await expect(
      settleCallback(success, request, { send, onSuccess, onError: () => 'no' }, failureReply),
    ).rejects.toBe(bug);
  });
});
