import { type AppleMusicAuthError, isAppleMusicAuthError } from '../errors.js';
import type { LoginResult } from './login-flow.js';
import type { CallbackOutcome, FlowRequest, StepReply } from './login-steps.js';

/**
 * How an adapter answers a settled callback, in its own idiom. `send`
 * writes one of core's replies; `onSuccess` and `onError` are the app's
 * (optional): `onError` gets the typed error and core's default answer to it.
 *
 * @inline
 */
export interface CallbackSettlement<Answer> {
  send(reply: StepReply): Answer | Promise<Answer>;
  onSuccess?: ((result: LoginResult) => Answer | Promise<Answer>) | undefined;
  onError?:
    | ((error: AppleMusicAuthError, reply: StepReply) => Answer | Promise<Answer>)
    | undefined;
}

/**
 * The one callback policy: a failed login goes to `onError` (else core's
 * failure answer is sent); a successful one to `onSuccess` (else the 303 to
 * `returnTo`). A library error thrown by `onSuccess` (e.g. a `TokenError`
 * from `fetchAppleMusic`) is a failed login too, answered with the failure
 * page for its code; any other error propagates: a bug, not a login outcome.
 */
export async function settleCallback<Answer>(
  outcome: CallbackOutcome,
  request: FlowRequest,
  settlement: CallbackSettlement<Answer>,
  failureReply: (error: AppleMusicAuthError, request: FlowRequest, returnTo?: string) => StepReply,
): Promise<Answer> {
  const { send, onSuccess, onError } = settlement;
  const fail = (error: AppleMusicAuthError, reply: StepReply) =>
    onError === undefined ? send(reply) : onError(error, reply);
  if (outcome.error !== undefined) return fail(outcome.error, outcome);
  if (onSuccess === undefined) return send(outcome);
  try {
    return await onSuccess(outcome.result);
  } catch (error) {
    if (!isAppleMusicAuthError(error)) throw error;
    return fail(error, failureReply(error, request, outcome.result.returnTo));
  }
}
