// Runs autocannon against two servers in alternating rounds and returns the
// median of the per-round ratios ours/bare, so that a drift of the machine
// hits both sides alike.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

/** Starts servers.mjs for `route`; returns its JSON line and a stop function. */
export async function startServers(route) {
  const child = spawn(
    process.execPath,
    [fileURLToPath(new URL('./servers.mjs', import.meta.url))],
    {
      env: { ...process.env, BENCH_ROUTE: route },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const [line] = await once(child.stdout, 'data');
  return {
    ...JSON.parse(String(line)),
    stop: async () => {
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function run(options) {
  return new Promise((resolve, reject) => {
    autocannon({ connections: 20, ...options }, (error, result) =>
      error ? reject(error) : resolve(result),
    );
  });
}

/**
 * Alternates `rounds` autocannon runs of `seconds` on `ours` and `bare`
 * (URLs; `request(side)` gives extra autocannon options per side) and
 * returns the requests/s of each round and the median ratio.
 */
export async function comparePair({ ours, bare, request = () => ({}), rounds = 3, seconds = 3 }) {
  const ratios = [];
  const rows = [];
  for (let round = 0; round < rounds; round += 1) {
    const a = await run({ url: ours, duration: seconds, ...request('ours') });
    const b = await run({ url: bare, duration: seconds, ...request('bare') });
    if (a.non2xx > 0 && a['3xx'] !== a.non2xx) {
      throw new Error(`ours answered ${a.non2xx - a['3xx']} requests with an error status`);
    }
    if (a.errors > 0 || b.errors > 0) throw new Error('autocannon saw connection errors');
    ratios.push(a.requests.average / b.requests.average);
    rows.push({ ours: a.requests.average, bare: b.requests.average, p99: a.latency.p99 });
  }
  return { ratio: median(ratios), rows };
}
