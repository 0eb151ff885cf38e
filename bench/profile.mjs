// `node profile.mjs <app> <route> [seconds]`: a CPU profile of one of ours'
// routes under load, summarized by self time. <app> is one of apps/
// (node-http, express, fastify, koa); <route> is login, callback, legacy
// (passport-apple-music's login route, on express), or bare-login or
// bare-callback (the bare routes, to compare with). The app runs in its own
// process, profiled from its start-up's end to its stop; autocannon loads
// only the route asked for.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BARE_CALLBACK_PATH, BARE_LOGIN_PATH } from './apps/bare-routes.mjs';
import { CALLBACK_PATH, LEGACY_LOGIN_PATH, LOGIN_PATH } from './bench-options.mjs';
import { callbackPosts, signCallbacks } from './callbacks.mjs';
import { load, startServers } from './http-pair.mjs';

const [app, route, seconds = '5'] = process.argv.slice(2);
const file = join(mkdtempSync(join(tmpdir(), 'bench-profile-')), `${app}-${route}.cpuprofile`);
const server = await startServers(app, { BENCH_PROFILE: file });
const PATHS = {
  login: LOGIN_PATH,
  callback: CALLBACK_PATH,
  legacy: LEGACY_LOGIN_PATH,
  'bare-login': BARE_LOGIN_PATH,
  'bare-callback': BARE_CALLBACK_PATH,
};
let options = { url: `${server.base}${PATHS[route]}` };
if (route.endsWith('callback')) {
  const callbacks = await signCallbacks(20_000 * Number(seconds), {
    cookieName: server.cookieName,
  });
  options = { ...options, ...callbackPosts(callbacks).request('ours') };
}
const result = await load({ ...options, duration: Number(seconds) });
await server.stop();
console.log(`${app} ${route}: ${result.requests.average} req/s while profiled`);

const { nodes, samples, timeDeltas } = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(nodes.map((node) => [node.id, node]));
const selfTime = new Map();
let total = 0;
samples.forEach((id, index) => {
  const { functionName, url, lineNumber } = byId.get(id).callFrame;
  const where = url
    ? `${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/(packages|bench)\//, '$1/')}:${lineNumber + 1}`
    : '';
  const key = `${functionName || '(anonymous)'} ${where}`.trim();
  const delta = timeDeltas[index] ?? 0;
  selfTime.set(key, (selfTime.get(key) ?? 0) + delta);
  total += delta;
});
const top = [...selfTime].sort((a, b) => b[1] - a[1]).slice(0, 25);
for (const [key, time] of top)
  console.log(`${((100 * time) / total).toFixed(1).padStart(5)}%  ${key}`);
console.log(`profile: ${file}`);
