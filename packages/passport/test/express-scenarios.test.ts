import { createMemorySingleUseStore } from '@apple-music-auth/core';
import { loginScenarios, type Sandbox, startSandbox } from '@apple-music-auth/sandbox';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { limitableUsedStates } from '../../../testing/limitable-used-states.js';
import { expressVersions, type RunningApp, startExpressApp } from './support/express-app.js';
import { keyId, publicKey, teamId } from './support/fixtures.js';

let sandbox: Sandbox;
let clockOffset = 0;

beforeAll(async () => {
  sandbox = await startSandbox({ teamId, keyId, publicKey, outcome: 'allow' });
});
afterAll(() => sandbox.close());

for (const [version, express] of Object.entries(expressVersions)) {
  for (const mode of ['cookie', 'session'] as const) {
    for (const bodyParser of [false, true]) {
      describe(`${version}, ${mode} mode, ${bodyParser ? 'with' : 'without'} a body parser`, () => {
        const now = () => Date.now() + clockOffset;
        const used = limitableUsedStates((maxEntries) =>
          createMemorySingleUseStore({ maxEntries, now }),
        );
        let app: RunningApp;
        beforeAll(async () => {
          app = await startExpressApp({
            express,
            bodyParser,
            mode,
            sandbox,
            now,
            usedStates: used.store,
          });
        });
        afterAll(() => app.close());

        for (const scenario of loginScenarios) {
          it(scenario.name, async () => {
            clockOffset = 0;
            await scenario.run({
              send: (request) => fetch(request, { redirect: 'manual' }),
              loginURL: `${app.origin}/auth/apple-music`,
              callbackURL: `${app.origin}/auth/apple-music/callback`,
              developerTokenURL: `${app.origin}/auth/apple-music/developer-token`,
              sandbox,
              limitUsedStates: used.limit,
              stateStore: mode,
              // Express 5's express.urlencoded() parses with qs, which drops __proto__.
              formParsedFirst: bodyParser && version.startsWith('Express 5'),
              advanceTime: (ms) => {
                clockOffset += ms;
              },
            });
          });
        }
      });
    }
  }
}
