// Runs autocannon against two routes in alternating rounds and returns the
// median of the per-round ratios ours/bare, so that a drift of the machine
// hits both sides alike; and starts the processes the routes live in.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

/**
 * Starts `script` (a file of bench/) as a child process with `env` added and
 * waits for its first JSON line. `ask()` writes a line to its stdin and
 * returns the next JSON line it prints; `stop()` ends it.
 */
export async function startChild(script, env = {}) {
  const child = spawn(process.execPath, [fileURLToPath(new URL(script, import.meta.url))], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const nextLine = async () => {
    const { value, done } = await lines.next();
    if (done) throw new Error(`${script} ended before answering`);
    return JSON.parse(value);
  };
  return {
    ...(await nextLine()),
    ask: async (line) => {
      child.stdin.write(`${line}\n`);
      return nextLine();
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Starts servers.mjs with the app `name` of apps/ (and `env`); its URL is `base`. */
export async function startServers(name, env = {}) {
  const child = await startChild('./servers.mjs', { ...env, BENCH_APP: name });
  return { ...child, base: `http://127.0.0.1:${child.port}` };
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * One autocannon run (20 connections unless `options` says otherwise) that
 * must see no connection error and only 2xx or 3xx answers.
 */
export async function load(options) {
  const result = await new Promise((resolve, reject) => {
    autocannon({ connections: 20, ...options }, (error, answer) =>
      error ? reject(error) : resolve(answer),
    );
  });
  if (result.errors > 0 || result.timeouts > 0) {
    throw new Error(`autocannon saw ${result.errors} errors against ${options.url}`);
  }
  if (result.non2xx !== result['3xx']) {
    throw new Error(
      `${options.url} answered ${result.non2xx - result['3xx']} requests with an error status`,
    );
  }
  return result;
}

/**
 * Alternates `rounds` autocannon runs of `seconds` on `ours` and `bare`
 * (URLs; `request(side)` gives extra autocannon options per side, `options`
 * to both) and returns each round's requests/s, p50 and p99 latency (ms), and the
 * median of the per-round ratios of requests/s.
 */
export async function comparePair({
  ours,
  bare,
  request = () => ({}),
  options = {},
  rounds = 3,
  seconds = 3,
}) {
  const ratios = [];
  const rows = [];
  for (let round = 0; round < rounds; round += 1) {
    const a = await load({ url: ours, duration: seconds, ...options, ...request('ours') });
    const b = await load({ url: bare, duration: seconds, ...options, ...request('bare') });
    ratios.push(a.requests.average / b.requests.average);
    rows.push({
      ours: a.requests.average,
      bare: b.requests.average,
      oursP50: a.latency.p50,
      bareP50: b.latency.p50,
      oursP99: a.latency.p99,
      bareP99: b.latency.p99,
    });
  }
  return { ratio: median(ratios), rows };
}
