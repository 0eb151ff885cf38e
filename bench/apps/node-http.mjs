// node:http: ours on core's steps written with sendStepReply, and the bare
// routes writing a precomputed page and reading a form body.
import { createServer } from 'node:http';
import { createAppleMusicAuth } from '@apple-music-auth/core';
import { flowRequestFrom, readCallbackBody, sendStepReply } from '@apple-music-auth/core/node';
import { benchAuthOptions, CALLBACK_PATH, LOGIN_PATH } from '../bench-options.mjs';
import { BARE_CALLBACK_PATH, BARE_LOGIN_PATH, barePage, readFormBody } from './bare-routes.mjs';
import { sendCallbackOutcome } from './failed-callback.mjs';

/** Creates the node:http server (not listening yet). */
export function createApp() {
  const auth = createAppleMusicAuth(benchAuthOptions());
  return createServer(async (req, res) => {
    const path = req.url.split('?', 1)[0];
    if (path === LOGIN_PATH) return sendStepReply(res, await auth.loginStep(flowRequestFrom(req)));
    if (path === CALLBACK_PATH) {
      const request = { ...flowRequestFrom(req), body: () => readCallbackBody(req) };
      return sendCallbackOutcome(res, await auth.callbackStep(request));
    }
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
