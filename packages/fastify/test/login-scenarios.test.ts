import { createMemorySingleUseStore } from '@apple-music-auth/core';
import { loginScenarios, type Sandbox, type ScenarioTarget } from '@apple-music-auth/sandbox';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { limitableUsedStates } from '../../../testing/limitable-used-states.js';
import { injectFetch } from './support/inject-fetch.js';
import {
  createScenarioApp,
  sandboxOptions,
  startTestSandbox,
  stateSecret,
} from './support/scenario-app.js';

let sandbox: Sandbox;
let clockOffset = 0;
const now = () => Date.now() + clockOffset;
const usedStates = () =>
  limitableUsedStates((maxEntries) => createMemorySingleUseStore({ maxEntries, now }));

beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(() => sandbox.close());

function scenarioTable(target: () => Omit<ScenarioTarget, 'sandbox' | 'advanceTime'>) {
  for (const scenario of loginScenarios) {
    it(scenario.name, async () => {
      clockOffset = 0;
      await scenario.run({
        ...target(),
        sandbox,
        advanceTime: (ms) => {
          clockOffset += ms;
        },
      });
    });
  }
}

describe('login scenarios through fastify.inject, with an absolute https callbackURL', () => {
  const origin = 'https://app.example';
  const used = usedStates();
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await createScenarioApp(
      sandboxOptions(sandbox, {
        callbackURL: `${origin}/auth/apple-music/callback`,
        state: { secret: stateSecret, usedStates: used.store },
        now,
      }),
    );
  });
  afterAll(() => app.close());

  scenarioTable(() => ({
    limitUsedStates: used.limit,
    send: injectFetch(app),
    loginURL: `${origin}/auth/apple-music`,
    callbackURL: `${origin}/auth/apple-music/callback`,
    developerTokenURL: `${origin}/auth/apple-music/developer-token`,
  }));
});

describe('login scenarios over loopback HTTP, with the callback resolved per request', () => {
  const used = usedStates();
  let app: FastifyInstance;
  let origin: string;
  beforeAll(async () => {
    app = await createScenarioApp(
      sandboxOptions(sandbox, { state: { secret: stateSecret, usedStates: used.store }, now }),
    );
    origin = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => app.close());

  scenarioTable(() => ({
    limitUsedStates: used.limit,
    send: (request) => fetch(request, { redirect: 'manual' }),
    loginURL: `${origin}/auth/apple-music`,
    callbackURL: `${origin}/auth/apple-music/callback`,
    developerTokenURL: `${origin}/auth/apple-music/developer-token`,
  }));
});
