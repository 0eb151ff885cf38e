import { type Sandbox, startSandbox } from '@apple-music-auth/sandbox';
import { afterAll, beforeAll, describe } from 'vitest';
import { createTestClock, loopbackTarget } from '../../../testing/loopback-target.js';
import { itRefusesEveryHostileRequest } from '../../../testing/reliability-tests.js';
import { expressVersions, type ScenarioApp, startExpressApp } from './support/express-app.js';
import { keyId, publicKey, teamId } from './support/fixtures.js';

const clock = createTestClock();
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ teamId, keyId, publicKey, outcome: 'allow' });
});
afterAll(() => sandbox.close());

for (const bodyParser of [false, true]) {
  describe(`through Passport on Express 5, ${bodyParser ? 'after express.urlencoded() and express.json()' : 'without a body parser'}`, () => {
    let app: ScenarioApp;
    beforeAll(async () => {
      const express = expressVersions['Express 5'];
      app = await startExpressApp({ express, bodyParser, mode: 'cookie', sandbox, now: clock.now });
    });
    afterAll(() => app.close());

    // express.json() answers a body that is not JSON with its own 400.
    itRefusesEveryHostileRequest(() =>
      loopbackTarget(app.origin, sandbox, clock, {
        successCount: app.verifyCalls,
        bodyParserRefuses: bodyParser ? ['unparsable-json'] : [],
      }),
    );
  });
}
