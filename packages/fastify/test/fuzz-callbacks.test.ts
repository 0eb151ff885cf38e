import { Writable } from 'node:stream';
import type { Sandbox } from '@apple-music-auth/sandbox';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClock, loopbackTarget } from '../../../testing/loopback-target.js';
import { itFuzzesCallbacks } from '../../../testing/reliability-tests.js';
import { createScenarioApp, sandboxOptions, startTestSandbox } from './support/scenario-app.js';

const clock = createTestClock();
let sandbox: Sandbox;
let app: FastifyInstance;
let origin: string;
let logins = 0;
const issued: string[] = [];
const log: string[] = [];

beforeAll(async () => {
  sandbox = await startTestSandbox();
  const stream = new Writable({
    write(chunk, _encoding, done) {
      log.push(String(chunk));
      done();
    },
  });
  const options = sandboxOptions(sandbox, { now: clock.now });
  app = await createScenarioApp(options, { logger: { level: 'info', stream } }, () => {
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
  itFuzzesCallbacks(() =>
    loopbackTarget(origin, recordingSandbox(), clock, { successCount: () => logins }),
  );

  it('logged none of the tokens it was posted', () => {
    expect(issued.length).toBeGreaterThan(0);
    expect(log.length).toBeGreaterThan(issued.length);
    const text = log.join('');
    expect(issued.filter((token) => text.includes(token))).toEqual([]);
  });
});
