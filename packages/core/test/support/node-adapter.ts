// What an adapter looks like on core's kit: node:http without the web
// converters. It maps the request onto the kit's plain input and writes the
// plain answer back; every decision (state, cookies, answers) stays in core.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { AppleMusicAuth, LoginResult, StepReply } from '../../src/index.js';
import { readCallbackBody } from '../../src/node/index.js';

/** Writes a step's answer: status, headers, each `Set-Cookie`, body. */
function send(res: ServerResponse, reply: StepReply): void {
  res.statusCode = reply.status;
  for (const [name, value] of Object.entries(reply.headers)) res.setHeader(name, value);
  if (reply.setCookies.length > 0) res.setHeader('set-cookie', reply.setCookies);
  res.end(reply.body);
}

/** Where the listener serves the developer-token route. */
export const DEVELOPER_TOKEN_PATH = '/auth/apple-music/developer-token';

/**
 * A `node:http` request listener for the login, callback and developer-token routes.
 * `onSuccess` answers a successful login (default: core's 303 to `returnTo`).
 */
export function nodeAdapter(
  auth: AppleMusicAuth,
  onSuccess?: (result: LoginResult, res: ServerResponse) => void,
): (req: IncomingMessage, res: ServerResponse) => void {
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const request = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      encrypted: (req.socket as TLSSocket).encrypted === true,
    };
    const path = request.url.split('?')[0];
    if (path === auth.routes.loginPath) return send(res, await auth.loginStep(request));
    if (path === DEVELOPER_TOKEN_PATH) return send(res, await auth.developerTokenStep(request));
    if (path !== auth.routes.callbackPath) return send(res, notFound);
    const outcome = await auth.callbackStep({ ...request, body: () => readCallbackBody(req) });
    if (outcome.result === undefined || onSuccess === undefined) return send(res, outcome);
    res.setHeader('set-cookie', outcome.setCookies);
    onSuccess(outcome.result, res);
  };
  return (req, res) => {
    handle(req, res).catch(() => {
      res.statusCode = 500;
      res.end();
    });
  };
}

const notFound: StepReply = { status: 404, headers: {}, setCookies: [], body: 'Not Found' };
