// `pnpm bench`: every figure of the performance targets, each beside its
// target, after a line that says which machine ran it. BENCH_SECONDS sets
// the length of each autocannon round (default 3), BENCH_CYCLES the
// login+callback cycles of the memory run (default 100,000).
import { createNonce, createState } from '@apple-music-auth/core';
import { BENCH_STATE_SECRET } from './bench-secret.mjs';
import { runFunctionBench } from './functions.mjs';
import { comparePair, startServers } from './http-pair.mjs';
import { runLoginCycles } from './login-cycles.mjs';
import { machineLine, printTable } from './report.mjs';

const seconds = Number(process.env.BENCH_SECONDS ?? 3);
const cycles = Number(process.env.BENCH_CYCLES ?? 100_000);
const MiB = 1024 * 1024;
const rows = [];

console.log(machineLine());

const login = await startServers('login');
try {
  const { ratio, rows: rounds } = await comparePair({
    ours: `http://127.0.0.1:${login.ours}/auth/apple-music`,
    bare: `http://127.0.0.1:${login.bare}/`,
    seconds,
  });
  console.log('login rounds (req/s ours, bare, p99 ms ours):', rounds);
  rows.push({
    figure: 'node:http login route / bare route, same page size',
    value: `${ratio.toFixed(2)}x`,
    target: '>= 0.9x',
    met: ratio >= 0.9,
  });
} finally {
  await login.stop();
}

/** Callbacks signed ahead of the run, each fresh: a state is single-use. */
async function signedCallbacks(count, cookieName) {
  const list = [];
  for (let index = 0; index < count; index += 1) {
    const nonce = createNonce();
    const state = await createState({ secret: BENCH_STATE_SECRET, nonce });
    list.push({
      body: new URLSearchParams({ state, music_user_token: `token-${index}` }).toString(),
      cookie: `${cookieName}=${nonce}`,
    });
  }
  return list;
}

const callback = await startServers('callback');
try {
  const callbacks = await signedCallbacks(Math.ceil(seconds * 3 * 12_000), callback.cookieName);
  let next = 0;
  let replayed = 0;
  // Ours needs a fresh callback each time; the bare route gets the same bodies over again.
  const request = (side) => ({
    method: 'POST',
    requests: [
      {
        setupRequest(req) {
          const index = side === 'ours' ? next++ : replayed++;
          const { body, cookie } = callbacks[index % callbacks.length];
          return {
            ...req,
            body,
            headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
          };
        },
      },
    ],
  });
  const { ratio, rows: rounds } = await comparePair({
    ours: `http://127.0.0.1:${callback.ours}/auth/apple-music/callback`,
    bare: `http://127.0.0.1:${callback.bare}/auth/apple-music/callback`,
    request,
    seconds,
  });
  console.log('callback rounds (req/s ours, bare, p99 ms ours):', rounds);
  if (next > callbacks.length) console.log('note: the pre-signed callbacks ran out and repeated');
  rows.push({
    figure: 'node:http callback (verification off) / bare POST reading the body',
    value: `${ratio.toFixed(2)}x`,
    target: '>= 0.8x',
    met: ratio >= 0.8,
  });
} finally {
  await callback.stop();
}

const { growth, signings, perSecond } = await runLoginCycles(cycles);
console.log(`${cycles} in-process login+callback cycles at ${Math.round(perSecond)}/s`);
rows.push({
  figure: `developer-token signings during ${cycles} logins`,
  value: String(signings),
  target: '= 1',
  met: signings === 1,
});
rows.push({
  figure: `heap growth over ${cycles} login+callback cycles (after GC, from cycle 1,000)`,
  value: `${(growth / MiB).toFixed(2)} MiB`,
  target: '<= 5 MiB',
  met: growth <= 5 * MiB,
});

console.table(await runFunctionBench());
printTable(rows);
