import type { Sandbox } from '@apple-music-auth/sandbox';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { injectBrowser } from './support/inject-browser.js';
import {
  collectedLogs,
  createScenarioApp,
  sandboxOptions,
  startTestSandbox,
} from './support/scenario-app.js';

let sandbox: Sandbox;
let app: FastifyInstance;
const { lines, logger } = collectedLogs();

beforeAll(async () => {
  sandbox = await startTestSandbox();
  app = await createScenarioApp(sandboxOptions(sandbox), { logger });
});
afterAll(async () => {
  await app.close();
  await sandbox.close();
});

/** The log records with `appleMusicLogin`, parsed. */
const outcomes = () =>
  lines
    .map((line) => JSON.parse(line) as { level: number; appleMusicLogin?: string; msg: string })
    .filter((record) => record.appleMusicLogin !== undefined);

it('logs each outcome through request.log with its code, never a token or a state', async () => {
  const browser = injectBrowser(app);
  const token = sandbox.issueToken();
  const state = await browser.openLogin();
  const nonces = [...browser.jar.values()];
  expect(nonces).toHaveLength(1);
  const success = await browser.postCallback('/auth/apple-music/callback', {
    state,
    music_user_token: token,
  });
  expect(success.statusCode).toBe(200);
  const replayed = await browser.postCallback('/auth/apple-music/callback', {
    state,
    music_user_token: token,
  });
  expect(replayed.statusCode).toBe(303);

  expect(outcomes()).toEqual([
    expect.objectContaining({
      level: 30,
      appleMusicLogin: 'success',
      msg: 'Apple Music login succeeded',
    }),
    expect.objectContaining({
      level: 40,
      appleMusicLogin: 'ERR_STATE_MISSING',
      msg: 'Apple Music login failed',
    }),
  ]);
  const requestIds = outcomes().map((record) => (record as { reqId?: string }).reqId);
  expect(requestIds.every((id) => typeof id === 'string')).toBe(true);
  const log = lines.join('');
  expect(log).toContain('/auth/apple-music/callback');
  for (const secret of [token, state, ...nonces]) expect(log).not.toContain(secret);
});
