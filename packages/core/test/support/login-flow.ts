// The login flow under the steps, driven directly: `startLogin` builds the
// bridge page and the state cookie, `finishLogin` checks a callback and
// throws its typed error. Not public API; core's own tests use it to check
// the flow without the steps' answers around it.
import {
  type AppleMusicAuth,
  buildAppleMusicAuth,
  type LoginPage,
  type LoginResult,
  type SettleLoginInput,
  type StartLoginInput,
} from '../../src/apple-music-auth.js';
import type { AppleMusicAuthOptions } from '../../src/config/options.js';

/** `AppleMusicAuth` with its login flow's two calls. */
export interface AuthWithFlow extends AppleMusicAuth {
  startLogin(input?: StartLoginInput): Promise<LoginPage>;
  finishLogin(input: SettleLoginInput): Promise<LoginResult>;
}

/** `createAppleMusicAuth`, plus `startLogin` and `finishLogin` on its flow. */
export function createAuthWithFlow(options: AppleMusicAuthOptions): AuthWithFlow {
  const { auth, flow } = buildAppleMusicAuth(options);
  return {
    ...auth,
    startLogin: flow.startLogin,
    async finishLogin(input) {
      const settled = await flow.settleLogin(input);
      if (settled.error !== undefined) throw settled.error;
      return settled.result;
    },
  };
}
