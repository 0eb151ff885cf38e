import { type Sandbox, startSandbox } from '@apple-music-auth/sandbox';
import { afterAll, beforeAll } from 'vitest';
import { itFuzzesCallbacks } from '../../../testing/reliability-tests.js';
import { describeCoreTargets, targetKeys } from './support/core-targets.js';

let sandbox: Sandbox;
beforeAll(async () => {
  const { teamId, keyId, publicKey } = targetKeys;
  sandbox = await startSandbox({ teamId, keyId, publicKey, outcome: 'allow' });
});
afterAll(() => sandbox.close());

describeCoreTargets(
  () => sandbox,
  (target) => itFuzzesCallbacks(target),
);
