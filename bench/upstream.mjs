// The stand-in for Apple in the verification benchmark, in a process of its
// own: the sandbox on loopback behind two latency proxies (BENCH_LATENCY_MS
// each way, default 5), one for ours and one for the bare route, so that the
// connections each side opens are counted apart. Prints one JSON line
// { ours, bare, userToken } (the proxies' URLs, a token the sandbox accepts);
// each line on stdin is answered with { ours, bare }: each proxy's connections
// so far, { accepted, peak } (the most open at once).
import { createInterface } from 'node:readline';
import { startSandbox } from '@apple-music-auth/sandbox';
import { BENCH_KEY_ID, BENCH_TEAM_ID, benchPrivateKey } from './bench-options.mjs';
import { startLatencyProxy } from './latency-proxy.mjs';

const delayMs = Number(process.env.BENCH_LATENCY_MS ?? 5);
const sandbox = await startSandbox({
  teamId: BENCH_TEAM_ID,
  keyId: BENCH_KEY_ID,
  publicKey: benchPrivateKey(),
});
const target = { host: '127.0.0.1', port: Number(new URL(sandbox.apiURL).port) };
const ours = await startLatencyProxy(target, delayMs);
const bare = await startLatencyProxy(target, delayMs);

const line = (value) => process.stdout.write(`${JSON.stringify(value)}\n`);
line({
  ours: `http://127.0.0.1:${ours.port}`,
  bare: `http://127.0.0.1:${bare.port}`,
  userToken: sandbox.issueToken(),
});
createInterface({ input: process.stdin }).on('line', () =>
  line({ ours: ours.connections(), bare: bare.connections() }),
);
process.on('SIGTERM', () => process.exit(0));
