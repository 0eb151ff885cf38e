import type { Sandbox } from '@apple-music-auth/sandbox';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClock, loopbackTarget } from '../../../testing/loopback-target.js';
import {
  itFuzzesCallbacks,
  itRefusesEveryHostileRequest,
  RELIABILITY_APPLE_TIMEOUT_MS,
} from '../../../testing/reliability-tests.js';
import {
  collectedLogs,
  createScenarioApp,
  sandboxOptions,
  startTestSandbox,
} from './support/scenario-app.js';

const clock = createTestClock();
let sandbox: Sandbox;
let app: FastifyInstance;
let origin: string;
let logins = 0;
const issued: string[] = [];
const { lines: log, logger } = collectedLogs();

beforeAll(async () => {
  sandbox = await startTestSandbox();
  const options = sandboxOptions(sandbox, {
    now: clock.now,
    timeoutMs: RELIABILITY_APPLE_TIMEOUT_MS,
  });
  app = await createScenarioApp(options, { logger }, () => {
    logins += 1;
  });
  origin = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app.close();
  await sandbox.close();
});

/** The sandbox, keeping every token it issues to the fuzzer. */
function recordingSandbox(): Sandbox {
  return {
    ...sandbox,
    issueToken: (options) => {
      const token = sandbox.issueToken(options);
      issued.push(token);
      return token;
    },
  };
}

describe('through the Fastify plugin over loopback, logging at info', () => {
  const target = () =>
    loopbackTarget(origin, recordingSandbox(), clock, { successCount: () => logins });
  itRefusesEveryHostileRequest(target);
  itFuzzesCallbacks(target);

  it('logged none of the tokens it was posted', () => {
    expect(issued.length).toBeGreaterThan(0);
    expect(log.length).toBeGreaterThan(issued.length);
    // Every issued token is 284 base64 characters ending in "==".
    const logged = new Set(log.join('').match(/[A-Za-z0-9+/]{282}==/g));
    expect(issued.filter((token) => logged.has(token))).toEqual([]);
  });
});
