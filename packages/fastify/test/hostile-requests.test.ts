import type { Sandbox } from '@apple-music-auth/sandbox';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe } from 'vitest';
import { createTestClock, loopbackTarget } from '../../../testing/loopback-target.js';
import { itRefusesEveryHostileRequest } from '../../../testing/reliability-tests.js';
import { createScenarioApp, sandboxOptions, startTestSandbox } from './support/scenario-app.js';

const clock = createTestClock();
let sandbox: Sandbox;
let app: FastifyInstance;
let origin: string;
let logins = 0;
beforeAll(async () => {
  sandbox = await startTestSandbox();
  app = await createScenarioApp(sandboxOptions(sandbox, { now: clock.now }), {}, () => {
    logins += 1;
  });
  origin = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app.close();
  await sandbox.close();
});

describe('through the Fastify plugin over loopback', () => {
  itRefusesEveryHostileRequest(() =>
    loopbackTarget(origin, sandbox, clock, { successCount: () => logins }),
  );
});
