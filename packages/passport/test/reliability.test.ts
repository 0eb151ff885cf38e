import { type BodyParserRefusal, type Sandbox, startSandbox } from '@apple-music-auth/sandbox';
import { afterAll, beforeAll, describe } from 'vitest';
import { createTestClock, loopbackTarget } from '../../../testing/loopback-target.js';
import {
  fuzzRuns,
  itFuzzesCallbacks,
  itRefusesEveryHostileRequest,
  RELIABILITY_APPLE_TIMEOUT_MS,
} from '../../../testing/reliability-tests.js';
import { expressVersions, type ScenarioApp, startExpressApp } from './support/express-app.js';
import { keyId, publicKey, teamId } from './support/fixtures.js';

const clock = createTestClock();
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ teamId, keyId, publicKey, outcome: 'allow' });
});
afterAll(() => sandbox.close());

const setups: Array<[name: string, bodyParser: boolean, refuses: BodyParserRefusal[]]> = [
  ['without a body parser', false, []],
  // express.json() answers a body declared as JSON that is not an object or
  // array with its own 400, and keeps no raw text: a repeated key is gone.
  ['after express.urlencoded() and express.json()', true, ['unparsable-json']],
];

for (const [name, bodyParser, bodyParserRefuses] of setups) {
  describe(`through Passport on Express 5 over loopback, ${name}`, () => {
    let app: ScenarioApp;
    beforeAll(async () => {
      const express = expressVersions['Express 5'];
      app = await startExpressApp({
        express,
        bodyParser,
        mode: 'cookie',
        sandbox,
        now: clock.now,
        options: { timeoutMs: RELIABILITY_APPLE_TIMEOUT_MS },
      });
    });
    afterAll(() => app.close());

    const target = () =>
      loopbackTarget(app.origin, sandbox, clock, {
        successCount: app.verifyCalls,
        bodyParserRefuses,
        jsonParsedFirst: bodyParser,
      });
    itRefusesEveryHostileRequest(target);
    itFuzzesCallbacks(target, bodyParser ? fuzzRuns.secondSetup : fuzzRuns.http);
  });
}
