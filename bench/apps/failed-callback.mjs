// Ours answers a failed callback with the error's status and code instead of
// core's default 303 to the failure page, so that autocannon's status counts
// tell a refused login (a replayed state, a wrong key) from a finished one:
// node-ours.mjs does it on node:http, Koa with `throwErrors`, Passport
// without a `failureRedirect` (401), and Fastify with this `onError`.

/** The Fastify plugin's `onError`: the error's status and code. */
export function failedCallbackReply(_request, reply, error) {
  return reply.code(error.status).type('text/plain').send(error.code);
}
