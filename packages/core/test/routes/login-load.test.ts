// Many browsers logging in at once through node:http and core against the
// sandbox: nothing fails, and no login comes back with another login's token.
// `pnpm test:load` runs it for 20 s; LOAD_SECONDS sets another length.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  openLoginPage,
  type Sandbox,
  type ScenarioTarget,
  sendCallback,
  startSandbox,
} from '@apple-music-auth/sandbox';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type AppleMusicAuth, createAppleMusicAuth } from '../../src/index.js';
import { toNodeListener } from '../../src/node/index.js';
import { targetKeys, testAuthOptions } from '../support/core-targets.js';

const CONCURRENT_LOGINS = 200;
const seconds = Number(process.env.LOAD_SECONDS ?? 20);

let sandbox: Sandbox;
let server: Server;
let auth: AppleMusicAuth;
let target: ScenarioTarget;

beforeAll(async () => {
  const { teamId, keyId, publicKey } = targetKeys;
  sandbox = await startSandbox({ teamId, keyId, publicKey, outcome: 'allow' });
  server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  auth = createAppleMusicAuth({
    ...testAuthOptions(origin),
    endpoints: { authorize: sandbox.authorizeURL, api: sandbox.apiURL },
  });
  server.on(
    'request',
    toNodeListener((request) =>
      new URL(request.url).pathname === auth.routes.loginPath
        ? auth.handleLogin(request)
        : auth.handleCallback(request, {
            onSuccess: ({ musicUserToken }) => Response.json({ musicUserToken }),
          }),
    ),
  );
  target = {
    send: (request) => fetch(request, { redirect: 'manual' }),
    loginURL: `${origin}/auth/apple-music`,
    callbackURL: `${origin}/auth/apple-music/callback`,
    sandbox,
  };
});

afterAll(async () => {
  await auth.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await sandbox.close();
});

/** One browser: logs in again and again until `deadline`; returns what went wrong. */
async function browser(deadline: number, done: { pairs: number }): Promise<string[]> {
  const failures: string[] = [];
  while (Date.now() < deadline) {
    try {
      const login = await openLoginPage(target);
      const token = sandbox.issueToken();
      const response = await sendCallback(
        target,
        { state: login.state, music_user_token: token },
        login.cookies,
      );
      const text = await response.text();
      if (response.status !== 200) failures.push(`${response.status}: ${text.slice(0, 200)}`);
      else if ((JSON.parse(text) as { musicUserToken: string }).musicUserToken !== token) {
        failures.push('a callback answered with the token of another login');
      } else done.pairs += 1;
    } catch (error) {
      failures.push(String(error));
    }
  }
  return failures;
}

it(`runs ${CONCURRENT_LOGINS} concurrent logins for ${seconds} s with no error and no crossed token`, async () => {
  const deadline = Date.now() + seconds * 1000;
  const done = { pairs: 0 };
  const failures = (
    await Promise.all(Array.from({ length: CONCURRENT_LOGINS }, () => browser(deadline, done)))
  ).flat();
  expect(failures.slice(0, 5)).toEqual([]);
  expect(done.pairs).toBeGreaterThanOrEqual(CONCURRENT_LOGINS);
  process.stdout.write(`login load: ${done.pairs} login+callback pairs in ${seconds} s\n`);
}, 120_000);
