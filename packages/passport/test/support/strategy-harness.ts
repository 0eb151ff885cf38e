import { Readable } from 'node:stream';
import type { Request } from 'express';
import type { AuthenticateOptions, Strategy } from '../../src/index.js';

/** What the strategy did: the one action Passport gave it, or the page it wrote on `req.res`. */
export type StrategyAction =
  | { action: 'success'; user: unknown; info: unknown }
  | { action: 'fail'; challenge: unknown; status: number | undefined }
  | { action: 'error'; error: Error }
  | { action: 'redirect'; url: string; status: number | undefined }
  | { action: 'pass' }
  | { action: 'rendered' };

/** What `req.res` received, in order: headers as set, appended cookies, the body. */
export interface RecordedResponse {
  statusCode: number;
  headers: Record<string, string | string[]>;
  setCookies: string[];
  body: string | undefined;
  /** The `Set-Cookie` values present when the strategy called `success`/`fail`/`error`. */
  setCookiesAtAction: string[] | undefined;
}

/** One request for the harness: a login GET, or a callback POST with a form body. */
export interface HarnessRequest {
  method?: string;
  url?: string;
  headers?: Record<string, string>;
  body?: string;
  session?: Record<string, unknown>;
  /** Leave `req.res` unset, as outside Express. */
  noResponse?: boolean;
}

/**
 * Drives a strategy the way Passport does, without Express: a copy of the
 * strategy gets `success`, `fail`, `error`, `redirect` and `pass`, and
 * `authenticate` runs on a readable request whose `res` records what is
 * written. Resolves with the first thing the strategy did.
 */
export function runStrategy(
  strategy: Strategy,
  request: HarnessRequest,
  options?: AuthenticateOptions,
): Promise<{ outcome: StrategyAction; res: RecordedResponse; req: Request }> {
  const res: RecordedResponse = {
    statusCode: 200,
    headers: {},
    setCookies: [],
    body: undefined,
    setCookiesAtAction: undefined,
  };
  const req = Object.assign(Readable.from(request.body === undefined ? [] : [request.body]), {
    method: request.method ?? 'GET',
    url: request.url ?? '/auth/apple-music',
    originalUrl: request.url ?? '/auth/apple-music',
    headers: { host: 'app.example', ...request.headers },
    socket: { encrypted: true },
    session: request.session,
  }) as unknown as Request;
  return new Promise((resolve) => {
    const done = (outcome: StrategyAction) => {
      if (outcome.action !== 'rendered') res.setCookiesAtAction = [...res.setCookies];
      resolve({ outcome, res, req });
    };
    if (request.noResponse !== true) {
      (req as { res?: unknown }).res = {
        set statusCode(value: number) {
          res.statusCode = value;
        },
        setHeader(name: string, value: string | string[]) {
          res.headers[name.toLowerCase()] = value;
        },
        appendHeader(name: string, value: string | string[]) {
          if (name.toLowerCase() !== 'set-cookie') throw new Error(`unexpected append of ${name}`);
          res.setCookies.push(...(Array.isArray(value) ? value : [value]));
        },
        end(body?: string) {
          res.body = body;
          done({ action: 'rendered' });
        },
      };
    }
    const actions = Object.assign(Object.create(strategy) as Strategy, {
      success: (user: unknown, info: unknown) => done({ action: 'success', user, info }),
      fail: (challenge: unknown, status?: number) =>
        done({
          action: 'fail',
          challenge,
          status: typeof challenge === 'number' ? challenge : status,
        }),
      error: (error: Error) => done({ action: 'error', error }),
      redirect: (url: string, status?: number) => done({ action: 'redirect', url, status }),
      pass: () => done({ action: 'pass' }),
    });
    actions.authenticate(req, options);
  });
}

/** Opens the login page through the harness and returns what a browser keeps: state and cookies. */
export async function startLogin(
  strategy: Strategy,
  request: HarnessRequest = {},
): Promise<{ state: string; cookie: string; body: string }> {
  const { outcome, res } = await runStrategy(strategy, request);
  if (outcome.action !== 'rendered' || res.statusCode !== 200 || res.body === undefined) {
    throw new Error(
      `the login page was not rendered: ${JSON.stringify(outcome)} ${res.statusCode}`,
    );
  }
  const config = /id="apple-music-auth-config"[^>]*>([^<]*)</.exec(res.body)?.[1];
  const { state } = JSON.parse(config ?? '{}') as { state: string };
  const cookie = res.setCookies.map((value) => value.split(';')[0]).join('; ');
  return { state, cookie, body: res.body };
}

/** Posts a callback form through the harness. */
export function postCallback(
  strategy: Strategy,
  fields: Record<string, string>,
  cookie: string,
  session?: Record<string, unknown>,
): ReturnType<typeof runStrategy> {
  return runStrategy(strategy, {
    method: 'POST',
    url: '/auth/apple-music/callback',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams(fields).toString(),
    session,
  });
}
