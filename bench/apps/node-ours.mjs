// Ours on node:http, as core's README shows it: the login and callback steps
// written with sendStepReply, except that a failed callback is answered with
// the error's status (see failed-callback.mjs).
import { flowRequestFrom, readCallbackBody, sendStepReply } from '@apple-music-auth/core/node';
import { CALLBACK_PATH, LOGIN_PATH } from '../bench-options.mjs';

/** Answers ours' routes for `auth` on `path`; false for any other path. */
export async function serveOurs(auth, req, res, path) {
  if (path === LOGIN_PATH) {
    sendStepReply(res, await auth.loginStep(flowRequestFrom(req)));
    return true;
  }
  if (path !== CALLBACK_PATH) return false;
  const outcome = await auth.callbackStep({
    ...flowRequestFrom(req),
    body: () => readCallbackBody(req),
  });
  if (outcome.error === undefined) {
    sendStepReply(res, outcome);
  } else {
    res.writeHead(outcome.error.status, { 'content-type': 'text/plain' });
    res.end(outcome.error.code);
  }
  return true;
}
