// `pnpm bench`: every figure of the performance targets, each beside its
// target, after a line that says which machine ran it. BENCH_SECONDS sets
// the length of each autocannon round (default 3), BENCH_ROUNDS the rounds
// per side of each throughput pair (default 3), BENCH_CYCLES the
// login+callback cycles of the memory run (default 100,000), BENCH_ONLY a
// comma-separated list of the sections to run (node-http, express, fastify,
// koa, verify, memory, functions, cold-start, bundle, page; default all).
// A throughput ratio more than 10% below its figure in bench/README.md fails
// the run (exit code 1), as does any regression check of regression.mjs.

import { runAdapterPairs } from './adapter-pairs.mjs';
import { benchPrivateKey } from './bench-options.mjs';
import { runBundle } from './bundle.mjs';
import { runColdStart } from './cold-start.mjs';
import { runFunctionBench } from './functions.mjs';
import { runLoginCycles } from './login-cycles.mjs';
import { runPage } from './page.mjs';
import { markRegressions } from './regression.mjs';
import { machineLine, printTable } from './report.mjs';
import { runVerification } from './verification.mjs';

const seconds = Number(process.env.BENCH_SECONDS ?? 3);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const cycles = Number(process.env.BENCH_CYCLES ?? 100_000);
const only = process.env.BENCH_ONLY?.split(',');
const runs = (section) => only === undefined || only.includes(section);
const MiB = 1024 * 1024;
const rows = [];

console.log(machineLine());
// One key for every child process: the sandbox checks the tokens the apps sign.
benchPrivateKey();

const apps = ['node-http', 'express', 'fastify', 'koa'].filter(runs);
let regressed = [];
if (apps.length > 0) {
  const pairs = await runAdapterPairs(apps, { seconds, rounds });
  regressed = markRegressions(pairs);
  rows.push(...pairs);
}
if (runs('verify')) rows.push(...(await runVerification(seconds)));

if (runs('memory')) {
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
}

if (runs('cold-start')) rows.push(...(await runColdStart()));
if (runs('bundle')) rows.push(...(await runBundle()));
if (runs('page')) rows.push(...(await runPage()));
if (runs('functions')) console.table(await runFunctionBench());
printTable(rows);
if (regressed.length > 0) {
  console.error(
    `bench: ${regressed.length} throughput ratio(s) fell more than 10% below bench/README.md:`,
  );
  for (const row of regressed) console.error(`  ${row.figure}: ${row.value}`);
  process.exitCode = 1;
}
