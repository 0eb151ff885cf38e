// Cold starts as whole processes (issue 25): what a serverless platform pays
// on every new instance. Three child processes take turns, BENCH_COLD_RUNS
// times each (default 15): (a) import core, create the auth object and
// answer one login page; (b) the same plus one callback verified against a
// local sandbox (the first call to Apple, which loads undici on Node); (c)
// import jose and sign one developer token, the floor any token-signing
// server pays. Each child reports its own CPU time (user + system, startup
// included) from process.resourceUsage(); the figures are medians of the
// ratios of runs taken side by side, so a busy moment hits both sides of a pair.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startSandbox } from '@apple-music-auth/sandbox';
import {
  BENCH_KEY_ID,
  BENCH_STATE_SECRET,
  BENCH_TEAM_ID,
  benchPrivateKey,
} from './bench-options.mjs';
import { median } from './http-pair.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
/** Where (c) runs: core's folder, whose jose is the one core signs with. */
const coreDir = fileURLToPath(new URL('../packages/core/', import.meta.url));

/** Prints the child's CPU time in microseconds as its last line. */
const REPORT_CPU = `
const { userCPUTime, systemCPUTime } = process.resourceUsage();
process.stdout.write(String(userCPUTime + systemCPUTime));
`;

/**
 * (a) and (b): core's login step, then (b) the callback step verified by the
 * sandbox: the plain-data steps every adapter calls, so that the figure is
 * core's own cost (a web-standard app's runtime builds its `Request` anyway).
 */
const loginScript = (withCallback) => `
import { createAppleMusicAuth } from '@apple-music-auth/core';
const env = process.env;
const auth = createAppleMusicAuth({
  teamId: env.BENCH_TEAM_ID,
  keyId: env.BENCH_KEY_ID,
  privateKey: env.BENCH_PRIVATE_KEY,
  callbackURL: 'http://127.0.0.1:3000/auth/apple-music/callback',
  state: { secret: env.BENCH_STATE_SECRET },
  endpoints: { api: env.BENCH_API_URL, authorize: env.BENCH_AUTHORIZE_URL },
});
const headers = { host: '127.0.0.1:3000' };
const page = await auth.loginStep({ method: 'GET', url: '/auth/apple-music', headers });
if (page.status !== 200) throw new Error('login answered ' + page.status);
${
  withCallback
    ? `
const state = /"state":"([^"]+)"/.exec(page.body)[1];
const cookie = page.setCookies[0].split(';')[0];
const answer = await auth.callbackStep({
  method: 'POST',
  url: '/auth/apple-music/callback',
  headers: { ...headers, cookie, 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ state, music_user_token: env.BENCH_USER_TOKEN }).toString(),
});
if (answer.status !== 303 || answer.headers.location !== '/') {
  throw new Error('callback answered ' + answer.status + ' ' + answer.headers.location);
}
await auth.close();`
    : ''
}
${REPORT_CPU}`;

/** (c) the floor: jose signs one ES256 developer token. */
const JOSE_SCRIPT = `
import { importPKCS8, SignJWT } from 'jose';
const env = process.env;
const key = await importPKCS8(env.BENCH_PRIVATE_KEY, 'ES256');
const now = Math.floor(Date.now() / 1000);
await new SignJWT({})
  .setProtectedHeader({ alg: 'ES256', kid: env.BENCH_KEY_ID })
  .setIssuer(env.BENCH_TEAM_ID)
  .setIssuedAt(now)
  .setExpirationTime(now + 3600)
  .sign(key);
${REPORT_CPU}`;

/**
 * Runs one script as a fresh process in bench/ (so it resolves the workspace
 * packages; jose's from core's folder); resolves its CPU microseconds. Asynchronous: the sandbox answers
 * from this process meanwhile.
 */
async function cpuOf(script, env) {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--input-type=module', '-e', script],
    { cwd: script === JOSE_SCRIPT ? coreDir : here, env, encoding: 'utf8' },
  );
  return Number(stdout.trim().split('\n').at(-1));
}

/** Runs the cold-start section; returns its table rows. */
export async function runColdStart(runs = Number(process.env.BENCH_COLD_RUNS ?? 15)) {
  const sandbox = await startSandbox({
    teamId: BENCH_TEAM_ID,
    keyId: BENCH_KEY_ID,
    publicKey: benchPrivateKey(),
  });
  const env = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    BENCH_TEAM_ID,
    BENCH_KEY_ID,
    BENCH_PRIVATE_KEY: benchPrivateKey(),
    BENCH_STATE_SECRET,
    BENCH_API_URL: sandbox.apiURL,
    BENCH_AUTHORIZE_URL: sandbox.authorizeURL,
    BENCH_USER_TOKEN: sandbox.issueToken(),
  };
  const login = loginScript(false);
  const callback = loginScript(true);
  const sides = { a: [], b: [], c: [] };
  try {
    // One unmeasured turn each: the disk cache is warm for every measured one.
    for (const script of [login, callback, JOSE_SCRIPT]) await cpuOf(script, env);
    for (let run = 0; run < runs; run += 1) {
      sides.a.push(await cpuOf(login, env));
      sides.b.push(await cpuOf(callback, env));
      sides.c.push(await cpuOf(JOSE_SCRIPT, env));
    }
  } finally {
    await sandbox.close();
  }
  const ratio = (side) => median(side.map((value, index) => value / sides.c[index]));
  const ms = (side) => `${(median(side) / 1000).toFixed(0)} ms`;
  const loginRatio = ratio(sides.a);
  const callbackRatio = ratio(sides.b);
  console.log(
    `cold start, CPU per process (median of ${runs}): (a) login ${ms(sides.a)}, (b) login + callback ${ms(sides.b)}, (c) jose signs one token ${ms(sides.c)}`,
  );
  return [
    {
      figure:
        'cold start CPU: (a) import core + create + one login / (c) import jose + sign one token',
      value: `${loginRatio.toFixed(2)}x`,
      target: '<= 1.3x',
      met: loginRatio <= 1.3,
    },
    {
      figure: 'cold start CPU: (b) the same + one callback verified by the sandbox / (c)',
      value: `${callbackRatio.toFixed(2)}x`,
      target: 'reported',
      met: true,
    },
  ];
}
