// The servers an HTTP benchmark compares, in a process of their own so that
// autocannon does not share its event loop: ours (node:http on core's steps,
// written with sendStepReply) and a bare node:http route doing the same I/O. Prints one
// JSON line: { ours, bare } ports and what the client needs.
//   BENCH_ROUTE=login     GET the login page / a static page of the same size
//   BENCH_ROUTE=callback  POST a callback (verification off) / read the same body
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import { createAppleMusicAuth } from '@apple-music-auth/core';
import { flowRequestFrom, readCallbackBody, sendStepReply } from '@apple-music-auth/core/node';
import { BENCH_STATE_SECRET } from './bench-secret.mjs';

const route = process.env.BENCH_ROUTE;
const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

async function listen(listener) {
  const server = createServer(listener);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server.address().port;
}

const auth = createAppleMusicAuth({
  teamId: 'TEAM123456',
  keyId: 'KEY1234567',
  privateKey,
  callbackURL: '/auth/apple-music/callback',
  stateSecret: BENCH_STATE_SECRET,
  app: { name: 'Bench App' },
  verifyUserToken: false,
});

const ours = await listen(async (req, res) => {
  const request = flowRequestFrom(req);
  const reply =
    route === 'login'
      ? await auth.loginStep(request)
      : await auth.callbackStep({ ...request, body: () => readCallbackBody(req) });
  sendStepReply(res, reply);
});

const sample = await auth.handleLogin(new Request('http://127.0.0.1/auth/apple-music'));
const cookieName = sample.headers.getSetCookie()[0].split('=')[0];
let bare;
if (route === 'login') {
  const page = 'x'.repeat(Buffer.byteLength(await sample.text()));
  bare = await listen((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(page);
  });
} else {
  bare = await listen((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      Buffer.concat(chunks).toString('utf8');
      res.writeHead(303, { location: '/', 'cache-control': 'no-store' });
      res.end();
    });
  });
}

process.stdout.write(`${JSON.stringify({ ours, bare, cookieName })}\n`);
process.on('SIGTERM', () => process.exit(0));
