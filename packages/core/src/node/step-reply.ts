import type { ServerResponse } from 'node:http';
import type { StepReply } from '../routes/login-steps.js';

/**
 * Writes a step's answer to a Node response: the status, the headers, each
 * `Set-Cookie` value as its own header (after any the app already set), and
 * the body. The fast way to serve core's steps from `node:http` or Express.
 */
export function sendStepReply(res: ServerResponse, reply: StepReply): void {
  res.statusCode = reply.status;
  for (const name in reply.headers) res.setHeader(name, reply.headers[name] as string);
  if (reply.setCookies.length > 0) res.appendHeader('set-cookie', reply.setCookies);
  res.end(reply.body);
}
