import { hostileRequests, type Sandbox, startSandbox } from '@apple-music-auth/sandbox';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { itRefusesEveryHostileRequest } from '../../../testing/reliability-tests.js';
import { describeCoreTargets, targetKeys } from './support/core-targets.js';

let sandbox: Sandbox;
beforeAll(async () => {
  const { teamId, keyId, publicKey } = targetKeys;
  sandbox = await startSandbox({ teamId, keyId, publicKey, outcome: 'allow' });
});
afterAll(() => sandbox.close());

it('the catalogue holds at least 30 named hostile requests', () => {
  expect(hostileRequests.length).toBeGreaterThanOrEqual(30);
  expect(new Set(hostileRequests.map((hostile) => hostile.name)).size).toBe(hostileRequests.length);
});

describeCoreTargets(
  () => sandbox,
  (target) => itRefusesEveryHostileRequest(target),
);
