import { hostileRequests, type Sandbox, startSandbox } from '@apple-music-auth/sandbox';
import { afterAll, beforeAll, expect, it } from 'vitest';
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
  (target) => {
    for (const hostile of hostileRequests) {
      it(hostile.name, async () => {
        const app = target();
        const before = app.successes.length;
        await hostile.run(app);
        // Only the replay's first, honest callback may log in.
        const earned = hostile.code === 'ERR_STATE_REPLAYED' ? 1 : 0;
        expect(app.successes.length - before).toBe(earned);
      });
    }
  },
);
