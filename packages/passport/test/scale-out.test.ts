// Several processes of one Express 5 + Passport app behind one site, sharing
// the session secret, the state secret and a real Redis: in session mode
// express-session keeps the login in Redis (connect-redis); in both modes
// the used states are kept there. A third process keeps both in its memory.
import { fileURLToPath } from 'node:url';
import {
  openLoginPage,
  type Sandbox,
  type ScenarioTarget,
  type StartedLogin,
  sendCallback,
  startSandbox,
} from '@apple-music-auth/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChildProcesses } from '../../../testing/child-processes.js';
import { startRedisServer } from '../../../testing/redis-server.js';
import { keyId, privateKey, publicKey, stateSecret, teamId } from './support/fixtures.js';

/** Where an instance keeps the login's state: its `/session` or its `/cookie` routes. */
type Mode = 'session' | 'cookie';

/** A callback's answer: the status and the JSON body. */
interface Answer {
  status: number;
  body: Record<string, unknown>;
}

const processes = new ChildProcesses();
let sandbox: Sandbox;
/** Two instances sharing the Redis, and one keeping sessions and used states in its memory. */
let first: string;
let second: string;
let alone: string;

/** Starts one app instance, with or without the Redis; returns its origin. */
async function startInstance(redisURL?: string): Promise<string> {
  const [, port] = await processes.start(
    process.execPath,
    [fileURLToPath(new URL('./scale-out/app.mjs', import.meta.url))],
    {
      SESSION_SECRET: 'the-session-secret-every-instance-shares',
      STATE_SECRET: stateSecret,
      API_URL: sandbox.apiURL,
      AUTHORIZE_URL: sandbox.authorizeURL,
      PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      TEAM_ID: teamId,
      KEY_ID: keyId,
      ...(redisURL ? { REDIS_URL: redisURL } : {}),
    },
    /listening (\d+)\n/,
  );
  return `http://127.0.0.1:${port}`;
}

function instance(origin: string, mode: Mode): ScenarioTarget {
  return {
    send: (request) => fetch(request, { redirect: 'manual' }),
    loginURL: `${origin}/${mode}/auth/apple-music`,
    callbackURL: `${origin}/${mode}/auth/apple-music/callback`,
    sandbox,
  };
}

/** A login started in one browser: its page, the token Apple gave it, and how to post its callback. */
interface Login extends StartedLogin {
  token: string;
  /** Posts the callback to `origin`, with this browser's cookies unless `cookies` are given. */
  finishOn(origin: string, cookies?: string): Promise<Answer>;
}

/** Opens the login page on `origin` in a new browser, and gets a token from the sandbox for it. */
async function loginOn(origin: string, mode: Mode): Promise<Login> {
  const page = await openLoginPage(instance(origin, mode));
  const token = sandbox.issueToken();
  return {
    ...page,
    token,
    async finishOn(to, cookies = page.cookies) {
      const fields = { state: page.state, music_user_token: token };
      const response = await sendCallback(instance(to, mode), fields, cookies);
      return { status: response.status, body: (await response.json()) as Answer['body'] };
    },
  };
}

beforeAll(async () => {
  sandbox = await startSandbox({ teamId, keyId, publicKey, outcome: 'allow' });
  const redisURL = await startRedisServer(processes);
  [first, second, alone] = await Promise.all([
    startInstance(redisURL),
    startInstance(redisURL),
    startInstance(),
  ]);
}, 30_000);

afterAll(async () => {
  await processes.stopAll();
  await sandbox.close();
});

/** The answer to a callback the adapter refused with `code`: Passport's 403 for a state failure. */
function refused(code: string): Answer {
  return { status: 403, body: { code } };
}

describe.each([
  ['session', 'connect.sid'],
  ['cookie', 'apple_music_auth_state'],
] as const)('%s mode, across the processes sharing the Redis', (mode, cookieName) => {
  it(`finishes on the second process a login started on the first (in a ${cookieName} cookie), with its token`, async () => {
    const login = await loginOn(first, mode);
    expect(login.cookieName).toBe(cookieName);
    expect(await login.finishOn(second)).toEqual({
      status: 200,
      body: { musicUserToken: login.token },
    });
  });

  it('lets exactly one of 6 concurrent callbacks with one state win across both processes (SET NX)', async () => {
    const login = await loginOn(first, mode);
    const answers = await Promise.all(
      [first, second, first, second, first, second].map((origin) => login.finishOn(origin)),
    );
    expect(answers.filter(({ status }) => status === 200)).toHaveLength(1);
    expect(answers.filter(({ status }) => status !== 200)).toEqual(
      Array(5).fill(refused('ERR_STATE_REPLAYED')),
    );
  });
});

describe("session mode: express-session's sessions in the shared Redis", () => {
  it('refuses the state replayed afterwards on either process (ERR_STATE_REPLAYED)', async () => {
    const login = await loginOn(first, 'session');
    expect((await login.finishOn(second)).status).toBe(200);
    expect(await login.finishOn(first)).toEqual(refused('ERR_STATE_REPLAYED'));
    expect(await login.finishOn(second)).toEqual(refused('ERR_STATE_REPLAYED'));
  });

  it("refuses a state posted with another browser's session in the middle of a login (ERR_STATE_MISMATCH)", async () => {
    const attacker = await loginOn(first, 'session');
    const victim = await loginOn(first, 'session');
    expect(await attacker.finishOn(second, victim.cookies)).toEqual(refused('ERR_STATE_MISMATCH'));
  });

  it("refuses a state posted with another browser's session that has no login pending (ERR_STATE_MISSING)", async () => {
    const attacker = await loginOn(first, 'session');
    const victim = await loginOn(first, 'session');
    expect((await victim.finishOn(second)).status).toBe(200);
    expect(await attacker.finishOn(second, victim.cookies)).toEqual(refused('ERR_STATE_MISSING'));
  });

  it('without the shared Redis, another process knows nothing of the session (ERR_STATE_MISSING)', async () => {
    const login = await loginOn(alone, 'session');
    expect(await login.finishOn(first)).toEqual(refused('ERR_STATE_MISSING'));
  });
});

describe('cookie mode: the used states in the shared Redis', () => {
  it('refuses on the second process a state already used on the first (ERR_STATE_REPLAYED)', async () => {
    const login = await loginOn(first, 'cookie');
    expect((await login.finishOn(first)).status).toBe(200);
    expect(await login.finishOn(second)).toEqual(refused('ERR_STATE_REPLAYED'));
  });

  it('without the shared Redis, a replay on another process goes through: the Redis store is what refuses it', async () => {
    const login = await loginOn(first, 'cookie');
    expect((await login.finishOn(first)).status).toBe(200);
    expect(await login.finishOn(alone)).toEqual({
      status: 200,
      body: { musicUserToken: login.token },
    });
  });
});
