// Login+callback cycles in-process through core's web handlers (verification
// off): heap growth after a forced GC, and how many developer tokens were
// signed (each page carries one; distinct tokens = signings). The app's clock
// moves a state's lifetime (600 s) every 1,000 cycles: used states are kept
// until they expire, so without it the heap would grow by the live states of
// 100,000 logins in seconds, which no app sees (the default store refuses
// logins past 100 a second); with it, growth means a leak.
import { generateKeyPairSync } from 'node:crypto';
import { createAppleMusicAuth } from '@apple-music-auth/core';
import { BENCH_STATE_SECRET } from './bench-options.mjs';

const CONFIG = /id="apple-music-auth-config"[^>]*>([^<]*)</;

async function heapAfterGC() {
  for (let pass = 0; pass < 3; pass += 1) {
    globalThis.gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}

/** Runs `cycles` logins; returns the heap growth after the first 1,000 and the signings. */
export async function runLoginCycles(cycles) {
  if (typeof globalThis.gc !== 'function') throw new Error('run node with --expose-gc');
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const origin = 'https://app.example';
  let offset = 0;
  const auth = createAppleMusicAuth({
    teamId: 'TEAM123456',
    keyId: 'KEY1234567',
    privateKey,
    callbackURL: `${origin}/auth/apple-music/callback`,
    stateSecret: BENCH_STATE_SECRET,
    app: { name: 'Bench App' },
    verifyUserToken: false,
    now: () => Date.now() + offset,
  });
  const developerTokens = new Set();
  let baseline = 0;
  const started = performance.now();
  for (let cycle = 1; cycle <= cycles; cycle += 1) {
    const page = await auth.handleLogin(new Request(`${origin}/auth/apple-music`));
    const config = JSON.parse(CONFIG.exec(await page.text())[1]);
    developerTokens.add(config.developerToken);
    const cookie = page.headers.getSetCookie()[0].split(';')[0];
    const answer = await auth.handleCallback(
      new Request(`${origin}/auth/apple-music/callback`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
        body: new URLSearchParams({ state: config.state, music_user_token: `token-${cycle}` }),
      }),
    );
    if (answer.status !== 303 || answer.headers.get('location') !== '/') {
      throw new Error(`cycle ${cycle} answered ${answer.status} ${answer.headers.get('location')}`);
    }
    if (cycle % 1000 === 0) offset += 600_000;
    if (cycle === 1000) baseline = await heapAfterGC();
  }
  const seconds = (performance.now() - started) / 1000;
  const growth = (await heapAfterGC()) - baseline;
  await auth.close();
  return { growth, signings: developerTokens.size, perSecond: cycles / seconds };
}
