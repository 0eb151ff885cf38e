// The app a benchmark runs against, in a process of its own so that
// autocannon does not share its event loop. BENCH_APP picks it (apps/*.mjs):
// node-http, express, fastify, koa or verify; each serves ours on
// /auth/apple-music and /auth/apple-music/callback, and its bare routes on
// /bare/login and /bare/callback (verify: /bare/callback only). Prints one
// JSON line: { port, cookieName, pageBytes } (the size of ours' login page).
// BENCH_PROFILE=file writes a CPU profile there on SIGTERM, of the time from
// that line on (the load, without the start-up).
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { barePage } from './apps/bare-routes.mjs';
import { LOGIN_PATH } from './bench-options.mjs';

const { createApp } = await import(`./apps/${process.env.BENCH_APP}.mjs`);
const server = await createApp();
if (!server.listening) {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
}
const { port } = server.address();

// The bare page: as many bytes, and the same type, as ours answers.
const sample = await fetch(`http://127.0.0.1:${port}${LOGIN_PATH}`);
const page = await sample.arrayBuffer();
barePage.body = 'x'.repeat(page.byteLength);
barePage.contentType = sample.headers.get('content-type') ?? barePage.contentType;
const cookieName = sample.headers.getSetCookie()[0]?.split('=')[0];

const profile = process.env.BENCH_PROFILE;
const inspector = new Session();
if (profile) {
  inspector.connect();
  await inspector.post('Profiler.enable');
  await inspector.post('Profiler.start');
}
process.stdout.write(`${JSON.stringify({ port, cookieName, pageBytes: page.byteLength })}\n`);
process.on('SIGTERM', async () => {
  if (profile)
    await writeFile(profile, JSON.stringify((await inspector.post('Profiler.stop')).profile));
  process.exit(0);
});
