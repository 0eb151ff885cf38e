// Function-level timings with tinybench: the state's signing and checking,
// and a whole login page in-process.
import { generateKeyPairSync } from 'node:crypto';
import {
  createAppleMusicAuth,
  createNonce,
  createState,
  verifyState,
} from '@apple-music-auth/core';
import { Bench } from 'tinybench';
import { BENCH_STATE_SECRET } from './bench-options.mjs';

/** Runs the function benchmarks; returns tinybench's table rows. */
export async function runFunctionBench() {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const auth = createAppleMusicAuth({
    teamId: 'TEAM123456',
    keyId: 'KEY1234567',
    privateKey,
    callbackURL: 'https://app.example/auth/apple-music/callback',
    stateSecret: BENCH_STATE_SECRET,
    app: { name: 'Bench App' },
    verifyUserToken: false,
  });
  const nonce = createNonce();
  const state = await createState({ secret: BENCH_STATE_SECRET, nonce });
  const bench = new Bench({ time: 1000 });
  bench
    .add('createState', () => createState({ secret: BENCH_STATE_SECRET, nonce }))
    .add('verifyState', () => verifyState({ secret: BENCH_STATE_SECRET, nonce, state }))
    .add('handleLogin (in-process)', async () => {
      const page = await auth.handleLogin(new Request('https://app.example/auth/apple-music'));
      await page.text();
    });
  await bench.run();
  await auth.close();
  return bench.tasks.map((task) => ({
    name: task.name,
    opsPerSecond: Math.round(task.result.throughput.mean),
    medianMicroseconds: (task.result.latency.p50 * 1000).toFixed(1),
  }));
}
