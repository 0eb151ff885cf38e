// Apple misbehaving on a real loopback socket, seen through core's Apple
// client and through a whole callback: each fault ends in its typed error
// within the retry bound, and nothing (socket, timer, listener) stays behind.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { openLoginPage } from '@apple-music-auth/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppleMusicClient } from '../../src/apple-api/client.js';
import { createAppleMusicAuth, isAppleMusicAuthError } from '../../src/index.js';
import { testAuthOptions } from '../support/core-targets.js';

type Fault = (req: IncomingMessage, res: ServerResponse) => void;

const storefront = JSON.stringify({
  data: [
    {
      id: 'us',
      attributes: { name: 'US', defaultLanguageTag: 'en-US', explicitContentPolicy: 'allowed' },
    },
  ],
});

const never: Fault = () => {};
const status =
  (code: number, headers: Record<string, string> = {}, body = ''): Fault =>
  (_req, res) => {
    res.writeHead(code, { 'content-type': 'application/json', ...headers });
    res.end(body);
  };

/** Each fault, what it must become, and how many attempts the retry policy allows (2 retries). */
const faults: Array<{
  name: string;
  fault: Fault;
  code: string;
  status: number;
  attempts: number;
}> = [
  { name: 'Apple never answers', fault: never, code: 'ERR_TIMEOUT', status: 504, attempts: 1 },
  {
    name: 'Apple sends headers, then stalls the body',
    fault: (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"data":[');
    },
    code: 'ERR_TIMEOUT',
    status: 504,
    attempts: 1,
  },
  {
    name: 'Apple resets the connection',
    fault: (req) => (req.socket as Socket).resetAndDestroy(),
    code: 'ERR_UPSTREAM',
    status: 502,
    attempts: 3,
  },
  {
    name: 'Apple answers 429 with Retry-After: 0',
    fault: status(429, { 'retry-after': '0' }),
    code: 'ERR_RATE_LIMITED',
    status: 503,
    attempts: 3,
  },
  {
    name: 'Apple answers 429 without Retry-After',
    fault: status(429),
    code: 'ERR_RATE_LIMITED',
    status: 503,
    attempts: 3,
  },
  {
    name: 'Apple answers 429 with a Retry-After over the cap',
    fault: status(429, { 'retry-after': '3600' }),
    code: 'ERR_RATE_LIMITED',
    status: 503,
    attempts: 1,
  },
  {
    name: 'Apple answers 500',
    fault: status(500),
    code: 'ERR_UPSTREAM',
    status: 502,
    attempts: 1,
  },
  {
    name: 'Apple answers 502',
    fault: status(502),
    code: 'ERR_UPSTREAM',
    status: 502,
    attempts: 3,
  },
  {
    name: 'Apple answers 503',
    fault: status(503),
    code: 'ERR_UPSTREAM',
    status: 502,
    attempts: 3,
  },
  {
    name: 'Apple answers 200 with invalid JSON',
    fault: status(200, {}, '{"data": [ nope'),
    code: 'ERR_UPSTREAM',
    status: 502,
    attempts: 1,
  },
  {
    name: 'Apple answers 200 with a 6 MiB body',
    fault: (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      for (let sent = 0; sent < 6 * 1024 * 1024; sent += chunk.length) res.write(chunk);
      res.end(storefront);
    },
    code: 'ERR_UPSTREAM',
    status: 502,
    attempts: 1,
  },
  {
    name: 'Apple answers 401',
    fault: status(401),
    code: 'ERR_DEVELOPER_TOKEN_REJECTED',
    status: 502,
    attempts: 1,
  },
  {
    name: 'Apple answers 403',
    fault: status(403, {}, '{"errors":[{"status":"403","code":"40300"}]}'),
    code: 'ERR_USER_TOKEN_REJECTED',
    status: 401,
    attempts: 1,
  },
];

let server: Server;
let apiURL: string;
let current: Fault = status(200, {}, storefront);
let attempts = 0;
const sockets = new Set<Socket>();
let baseline: Record<string, number>;
let processListeners: number;

/** Active handles and requests by type (sockets, servers, timers). */
function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

function countProcessListeners(): number {
  return process.eventNames().reduce((sum, name) => sum + process.listenerCount(name), 0);
}

beforeAll(async () => {
  baseline = activeResources();
  processListeners = countProcessListeners();
  server = createServer((req, res) => {
    attempts += 1;
    current(req, res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    // A reset fault destroys the socket under the response: ignore the write error.
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  apiURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function inject(fault: Fault): void {
  current = fault;
  attempts = 0;
}

describe("core's Apple client against a misbehaving Apple", () => {
  for (const { name, fault, code, attempts: bound } of faults) {
    it(`${name}: ${code} after ${bound} attempt(s)`, async () => {
      inject(fault);
      const client = createAppleMusicClient({
        apiURL,
        getDeveloperToken: async () => 'developer.token.jwt',
        timeoutMs: 300,
      });
      try {
        const error = await client.verifyMusicUserToken('mut').then(
          () => undefined,
          (thrown: unknown) => thrown,
        );
        expect(isAppleMusicAuthError(error) && error.code).toBe(code);
        expect(attempts).toBe(bound);
      } finally {
        await client.close();
      }
    });
  }
});

describe('a callback while Apple misbehaves', () => {
  for (const { name, fault, code, status: answered, attempts: bound } of faults) {
    it(`${name}: the callback answers ${answered} ${code}`, async () => {
      const origin = 'https://app.example';
      const auth = createAppleMusicAuth({
        ...testAuthOptions(origin),
        endpoints: { api: apiURL },
        timeoutMs: 300,
      });
      let successes = 0;
      const send = (request: Request): Promise<Response> =>
        request.method === 'GET'
          ? auth.handleLogin(request)
          : auth.handleCallback(request, {
              onSuccess: () => {
                successes += 1;
                return new Response('logged in');
              },
              onError: (error) => Response.json({ code: error.code }, { status: error.status }),
            });
      try {
        const target = {
          send,
          loginURL: `${origin}/auth/apple-music`,
          callbackURL: `${origin}/auth/apple-music/callback`,
        };
        // openLoginPage reads only send and loginURL: this target has no sandbox behind it.
        const login = await openLoginPage(target as Parameters<typeof openLoginPage>[0]);
        inject(fault);
        const response = await send(
          new Request(target.callbackURL, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: login.cookies },
            body: new URLSearchParams({ state: login.state, music_user_token: 'mut' }),
          }),
        );
        expect(response.status).toBe(answered);
        expect(await response.json()).toEqual({ code });
        expect(attempts).toBe(bound);
        expect(successes).toBe(0);
      } finally {
        await auth.close();
      }
    });
  }
});

it('leaves no socket, timer or listener behind once the clients are closed', async () => {
  // Closed sockets leave the resource list on the next turns of the event loop.
  for (
    let turn = 0;
    turn < 50 && (sockets.size > 0 || Object.keys(beyondBaseline()).length > 0);
    turn += 1
  ) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  expect(sockets.size).toBe(0);
  expect(beyondBaseline()).toEqual({});
  expect(countProcessListeners()).toBe(processListeners);
});

/** The resources now, less the fault server's listening socket and this test's own wait timer. */
function withoutServer(counts: Record<string, number>): Record<string, number> {
  const result = { ...counts };
  for (const type of ['TCPServerWrap']) {
    if (result[type] !== undefined) result[type] -= 1;
    if (result[type] === 0) delete result[type];
  }
  return result;
}

/**
 * The resources of each type now held beyond those held before the suite
 * (the test runner's own timers may end meanwhile: fewer is fine).
 */
function beyondBaseline(): Record<string, number> {
  const extra: Record<string, number> = {};
  for (const [type, count] of Object.entries(withoutServer(activeResources()))) {
    if (count > (baseline[type] ?? 0)) extra[type] = count - (baseline[type] ?? 0);
  }
  return extra;
}
