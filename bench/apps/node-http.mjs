// node:http: ours on core's steps written with sendStepReply, and the bare
// routes writing a precomputed page and reading a form body.
import { createServer } from 'node:http';
import { createAppleMusicAuth } from '@apple-music-auth/core';
import { benchAuthOptions } from '../bench-options.mjs';
import { BARE_CALLBACK_PATH, BARE_LOGIN_PATH, barePage, readFormBody } from './bare-routes.mjs';
import { serveOurs } from './node-ours.mjs';

/** Creates the node:http server (not listening yet). */
export function createApp() {
  const auth = createAppleMusicAuth(benchAuthOptions());
  return createServer(async (req, res) => {
    const path = req.url.split('?', 1)[0];
    if (await serveOurs(auth, req, res, path)) return;
    if (path === BARE_LOGIN_PATH) {
      res.writeHead(200, { 'content-type': barePage.contentType, 'cache-control': 'no-store' });
      return res.end(barePage.body);
    }
    if (path === BARE_CALLBACK_PATH) {
      await readFormBody(req);
      res.writeHead(303, { location: '/', 'cache-control': 'no-store' });
      return res.end();
    }
    res.writeHead(404).end();
  });
}
