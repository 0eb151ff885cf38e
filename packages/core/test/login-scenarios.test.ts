import { loginScenarios, type Sandbox, startSandbox } from '@apple-music-auth/sandbox';
import { afterAll, beforeAll, it } from 'vitest';
import { describeCoreTargets, targetKeys } from './support/core-targets.js';

let sandbox: Sandbox;

beforeAll(async () => {
  const { teamId, keyId, publicKey } = targetKeys;
  sandbox = await startSandbox({ teamId, keyId, publicKey, outcome: 'allow' });
});
afterAll(async () => {
  await sandbox.close();
});

describeCoreTargets(
  () => sandbox,
  (target) => {
    for (const scenario of loginScenarios) {
      it(scenario.name, () => scenario.run(target()));
    }
  },
);
