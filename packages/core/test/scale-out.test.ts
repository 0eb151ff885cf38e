// Several app processes behind one site: node:http through core, sharing
// (or not) the state secret, and sharing used states through a real Redis.
import { fileURLToPath } from 'node:url';
import {
  openLoginPage,
  type Sandbox,
  type ScenarioTarget,
  sendCallback,
  startSandbox,
} from '@apple-music-auth/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChildProcesses } from '../../../testing/child-processes.js';
import { startRedisServer } from '../../../testing/redis-server.js';
import { targetKeys } from './support/core-targets.js';

const secret = 'the-secret-every-instance-of-the-site-shares';
const otherSecret = 'a-secret-of-some-other-deployment-entirely';
const newSecret = 'the-secret-that-replaces-the-shared-one-now';

const processes = new ChildProcesses();
let sandbox: Sandbox;
let redisURL: string;

/** Starts one app instance; returns its origin. */
async function startInstance(secrets: string[], redis = false): Promise<string> {
  const [, port] = await processes.start(
    process.execPath,
    [fileURLToPath(new URL('./scale-out/server.mjs', import.meta.url))],
    {
      STATE_SECRETS: JSON.stringify(secrets),
      API_URL: sandbox.apiURL,
      AUTHORIZE_URL: sandbox.authorizeURL,
      PRIVATE_KEY: targetKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      TEAM_ID: targetKeys.teamId,
      KEY_ID: targetKeys.keyId,
      ...(redis ? { REDIS_URL: redisURL } : {}),
    },
    /listening (\d+)\n/,
  );
  return `http://127.0.0.1:${port}`;
}

function instance(origin: string): ScenarioTarget {
  return {
    send: (request) => fetch(request, { redirect: 'manual' }),
    loginURL: `${origin}/auth/apple-music`,
    callbackURL: `${origin}/auth/apple-music/callback`,
    sandbox,
  };
}

/** Starts a login on `first`; returns a function that posts its callback to any instance. */
async function loginOn(first: string): Promise<{
  token: string;
  finishOn: (origin: string) => Promise<{ status: number; body: Record<string, unknown> }>;
}> {
  const login = await openLoginPage(instance(first));
  const token = sandbox.issueToken();
  return {
    token,
    async finishOn(origin) {
      const fields = { state: login.state, music_user_token: token };
      const response = await sendCallback(instance(origin), fields, login.cookies);
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },
  };
}

beforeAll(async () => {
  const { teamId, keyId, publicKey } = targetKeys;
  sandbox = await startSandbox({ teamId, keyId, publicKey, outcome: 'allow' });
  redisURL = await startRedisServer(processes);
}, 30_000);

afterAll(async () => {
  await processes.stopAll();
  await sandbox.close();
});

describe('two processes sharing the state secret and a Redis of used states', () => {
  let first: string;
  let second: string;
  beforeAll(async () => {
    [first, second] = await Promise.all([
      startInstance([secret], true),
      startInstance([secret], true),
    ]);
  }, 30_000);

  it('finishes on the second process a login started on the first', async () => {
    const login = await loginOn(first);
    const { status, body } = await login.finishOn(second);
    expect(status).toBe(200);
    expect(body.musicUserToken).toBe(login.token);
  });

  it('refuses on the second process a state already used on the first (ERR_STATE_REPLAYED)', async () => {
    const login = await loginOn(first);
    expect((await login.finishOn(first)).status).toBe(200);
    expect(await login.finishOn(second)).toEqual({
      status: 403,
      body: { code: 'ERR_STATE_REPLAYED' },
    });
  });

  it('lets exactly one of 6 concurrent callbacks with one state win across both processes (SET NX)', async () => {
    const login = await loginOn(first);
    const answers = await Promise.all(
      [first, second, first, second, first, second].map((origin) => login.finishOn(origin)),
    );
    expect(answers.filter(({ status }) => status === 200)).toHaveLength(1);
    expect(answers.filter(({ status }) => status !== 200)).toEqual(
      Array(5).fill({ status: 403, body: { code: 'ERR_STATE_REPLAYED' } }),
    );
  });
});

describe('processes with other secrets', () => {
  let signer: string;
  let stranger: string;
  let rotated: string;
  beforeAll(async () => {
    [signer, stranger, rotated] = await Promise.all([
      startInstance([secret]),
      startInstance([otherSecret]),
      startInstance([newSecret, secret]),
    ]);
  }, 30_000);

  it('refuses a state signed with another secret as malformed (ERR_STATE_MALFORMED)', async () => {
    const login = await loginOn(signer);
    expect(await login.finishOn(stranger)).toEqual({
      status: 400,
      body: { code: 'ERR_STATE_MALFORMED' },
    });
  });

  it('accepts, with a rotated secret list, a state signed by the old secret', async () => {
    const login = await loginOn(signer);
    const { status, body } = await login.finishOn(rotated);
    expect(status).toBe(200);
    expect(body.musicUserToken).toBe(login.token);
  });

  it('lets the old-secret process refuse what the rotated one now signs', async () => {
    const login = await loginOn(rotated);
    expect((await login.finishOn(signer)).body).toEqual({ code: 'ERR_STATE_MALFORMED' });
  });

  it('without a shared store, a replay on another process is not caught: the store is what refuses it', async () => {
    const login = await loginOn(signer);
    expect((await login.finishOn(signer)).status).toBe(200);
    expect((await login.finishOn(rotated)).status).toBe(200);
  });
});
