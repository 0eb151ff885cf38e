// Ours answers a failed callback with the error's status and code instead of
// core's default 303 to the failure page, so that autocannon's status counts
// tell a refused login (a replayed state, a wrong key) from a finished one.
import { sendStepReply } from '@apple-music-auth/core/node';

/** Writes a callback step's outcome to a node:http response: a failure as its status. */
export function sendCallbackOutcome(res, outcome) {
  if (outcome.error === undefined) return sendStepReply(res, outcome);
  res.writeHead(outcome.error.status, { 'content-type': 'text/plain' });
  res.end(outcome.error.code);
}

/** The Fastify plugin's `onError`: the same for Fastify. */
export function failedCallbackReply(_request, reply, error) {
  return reply.code(error.status).type('text/plain').send(error.code);
}
