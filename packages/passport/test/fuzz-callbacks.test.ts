import { type Sandbox, startSandbox } from '@apple-music-auth/sandbox';
import { afterAll, beforeAll, describe } from 'vitest';
import { createTestClock, loopbackTarget } from '../../../testing/loopback-target.js';
import { itFuzzesCallbacks } from '../../../testing/reliability-tests.js';
import { expressVersions, type ScenarioApp, startExpressApp } from './support/express-app.js';
import { keyId, publicKey, teamId } from './support/fixtures.js';

const clock = createTestClock();
let sandbox: Sandbox;
let app: ScenarioApp;
beforeAll(async () => {
  sandbox = await startSandbox({ teamId, keyId, publicKey, outcome: 'allow' });
  const express = expressVersions['Express 5'];
  app = await startExpressApp({
    express,
    bodyParser: false,
    mode: 'cookie',
    sandbox,
    now: clock.now,
  });
});
afterAll(async () => {
  await app.close();
  await sandbox.close();
});

describe('through Passport on Express 5 over loopback, without a body parser', () => {
  itFuzzesCallbacks(() =>
    loopbackTarget(app.origin, sandbox, clock, { successCount: app.verifyCalls }),
  );
});
