// The concurrent replay through Passport with express-session's MemoryStore
// and `state: true`: each request works on its own copy of the session, so
// the "used" mark in it cannot stop the others; core's used-state store does.
import { openLoginPage, type Sandbox, sendCallback, startSandbox } from '@apple-music-auth/sandbox';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { expressVersions, type ScenarioApp, startExpressApp } from './support/express-app.js';
import { keyId, publicKey, teamId } from './support/fixtures.js';

let sandbox: Sandbox;
let app: ScenarioApp;
beforeAll(async () => {
  sandbox = await startSandbox({ teamId, keyId, publicKey, outcome: 'allow' });
  app = await startExpressApp({
    express: expressVersions['Express 5'],
    bodyParser: true,
    mode: 'session',
    sandbox,
    now: Date.now,
  });
});
afterAll(async () => {
  await app.close();
  await sandbox.close();
});

it('lets exactly one of 5 concurrent callbacks with one state reach verify (express-session, state: true)', async () => {
  const target = {
    send: (request: Request) => fetch(request, { redirect: 'manual' }),
    loginURL: `${app.origin}/auth/apple-music`,
    callbackURL: `${app.origin}/auth/apple-music/callback`,
    sandbox,
  };
  const { state, cookies } = await openLoginPage(target);
  const fields = { state, music_user_token: sandbox.issueToken(), restricted: '0' };
  const answers = await Promise.all(
    Array.from({ length: 5 }, async () => {
      const response = await sendCallback(target, fields, cookies);
      return [response.status, response.headers.get('location')];
    }),
  );
  expect(answers.filter(([status]) => status === 200)).toHaveLength(1);
  expect(answers.filter(([status]) => status !== 200)).toEqual(
    Array(4).fill([303, '/auth/apple-music?error=ERR_STATE_REPLAYED']),
  );
  expect(app.verifyCalls()).toBe(1);
});
