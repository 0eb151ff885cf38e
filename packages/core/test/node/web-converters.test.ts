import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type RequestListener,
  type Server,
} from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sendWebResponse, toNodeListener, toWebRequest } from '../../src/node/index.js';
import { thrownBy } from '../support/errors.js';

let server: Server;
let port: number;
/** What the server runs for the current test. */
let listener: RequestListener = (_req, res) => {
  res.statusCode = 404;
  res.end();
};

beforeAll(async () => {
  server = createServer((req, res) => listener(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

interface RawResponse {
  status: number;
  rawHeaders: string[];
  body: string;
  complete: boolean;
}

/** Sends a request with `node:http` (headers exactly as given) and collects the raw answer. */
function send(
  options: { method?: string; path?: string; headers?: OutgoingHttpHeaders; body?: string[] } = {},
  onResponseStart?: () => void,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path ?? '/',
        headers: options.headers ?? {},
        agent: false,
      },
      (res: IncomingMessage) => {
        onResponseStart?.();
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('error', () => undefined);
        res.on('close', () =>
          resolve({
            status: res.statusCode ?? 0,
            rawHeaders: res.rawHeaders,
            body,
            complete: res.complete,
          }),
        );
      },
    );
    req.on('error', reject);
    for (const chunk of options.body ?? []) req.write(chunk);
    req.end();
  });
}

/** Sends bytes as they are over a socket (what `node:http`'s client would refuse to send). */
function sendRaw(text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(text));
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(received));
  });
}

/** The values of header `name` in a raw header list, in order. */
function rawValues(rawHeaders: string[], name: string): string[] {
  const values: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i]?.toLowerCase() === name) values.push(rawHeaders[i + 1] as string);
  }
  return values;
}

/** What a handler saw of the converted request. */
interface Seen {
  method: string;
  url: string;
  test: string | null;
  hasBody: boolean;
  body: string;
}

/** Serves `toWebRequest`'s view of each request back as JSON. */
function echoRequest(options: Parameters<typeof toWebRequest>[1] = {}): RequestListener {
  return async (req, res) => {
    const request = toWebRequest(req, options);
    const seen: Seen = {
      method: request.method,
      url: request.url,
      test: request.headers.get('x-test'),
      hasBody: request.body !== null,
      body: await request.text(),
    };
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(seen));
  };
}

describe('toWebRequest', () => {
  beforeEach(() => {
    listener = echoRequest();
  });

  it('keeps the method, the path and query, and the Host header as origin', async () => {
    const response = await send({ method: 'DELETE', path: '/items/42?force=1&x=%20y' });
    expect(JSON.parse(response.body)).toMatchObject({
      method: 'DELETE',
      url: `http://127.0.0.1:${port}/items/42?force=1&x=%20y`,
    });
  });

  it('keeps every value of a repeated header', async () => {
    const response = await send({ headers: { 'x-test': ['first', 'second'] } });
    expect(JSON.parse(response.body).test).toBe('first, second');
  });

  it('uses the origin option instead of the Host header', async () => {
    listener = echoRequest({ origin: 'https://app.example' });
    const response = await send({ path: '/auth/apple-music?returnTo=%2Fx' });
    expect(JSON.parse(response.body).url).toBe(
      'https://app.example/auth/apple-music?returnTo=%2Fx',
    );
  });

  it('does not let a //host request target change the origin', async () => {
    listener = echoRequest({ origin: 'https://app.example' });
    const withOption = await send({ path: '//evil.example/auth' });
    expect(JSON.parse(withOption.body).url).toBe('https://app.example//evil.example/auth');

    listener = echoRequest();
    const fromHost = await send({ path: '//evil.example/auth?x=1' });
    expect(JSON.parse(fromHost.body).url).toBe(`http://127.0.0.1:${port}//evil.example/auth?x=1`);
  });

  it('keeps the origin for an absolute-form request target', async () => {
    const raw = await sendRaw(
      'GET http://evil.example/auth?x=1 HTTP/1.1\r\nHost: app.example\r\nConnection: close\r\n\r\n',
    );
    expect(raw).toMatch(/^HTTP\/1\.1 200 /);
    expect(raw).toContain('"url":"http://app.example/auth?x=1"');
  });

  it.each([
    ['a path and markup', 'evil.example/<script>'],
    ['userinfo', 'user@evil.example'],
    ['a port out of range', 'app.example:99999'],
    ['a broken IPv6 literal', '[::zz]'],
  ])('falls back to localhost for a Host header with %s', async (_name, host) => {
    const raw = await sendRaw(`GET /x?y=1 HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    expect(raw).toMatch(/^HTTP\/1\.1 200 /);
    expect(raw).toContain('"url":"http://localhost/x?y=1"');
  });

  it('falls back to localhost without a Host header (HTTP/1.0)', async () => {
    const raw = await sendRaw('GET /old HTTP/1.0\r\n\r\n');
    expect(raw).toContain('"url":"http://localhost/old"');
  });

  it('gives GET and HEAD no body', async () => {
    const response = await send({ method: 'GET' });
    expect(JSON.parse(response.body)).toMatchObject({ hasBody: false, body: '' });
  });

  it('streams a POST body: the handler reads the first chunk before the client ends', async () => {
    let firstChunk: (text: string) => void = () => undefined;
    const firstChunkRead = new Promise<string>((resolve) => {
      firstChunk = resolve;
    });
    listener = async (req, res) => {
      const request = toWebRequest(req);
      const reader = (request.body as ReadableStream<Uint8Array>).getReader();
      const decoder = new TextDecoder();
      const first = await reader.read();
      let text = decoder.decode(first.value, { stream: true });
      firstChunk(text);
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
      res.end(`${request.method} ${text}`);
    };
    const answer = await new Promise<string>((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port, method: 'POST', path: '/callback', agent: false },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            body += chunk;
          });
          res.on('end', () => resolve(body));
        },
      );
      req.on('error', reject);
      req.write('state=abc&');
      req.flushHeaders();
      firstChunkRead.then(() => req.end('music_user_token=xyz'), reject);
    });
    expect(await firstChunkRead).toBe('state=abc&');
    expect(answer).toBe('POST state=abc&music_user_token=xyz');
  });
});

describe('sendWebResponse', () => {
  it('writes the status, the headers and each Set-Cookie on its own line', async () => {
    listener = (_req, res) => {
      const headers = new Headers([
        ['content-type', 'text/plain; charset=utf-8'],
        ['x-custom', 'one'],
        ['set-cookie', 'a=1; Path=/; HttpOnly'],
        ['set-cookie', 'b=2; Expires=Thu, 01 Jan 1970 00:00:00 GMT'],
        ['set-cookie', 'c=3'],
      ]);
      void sendWebResponse(res, new Response('created', { status: 201, headers }));
    };
    const response = await send();
    expect(response.status).toBe(201);
    expect(rawValues(response.rawHeaders, 'set-cookie')).toEqual([
      'a=1; Path=/; HttpOnly',
      'b=2; Expires=Thu, 01 Jan 1970 00:00:00 GMT',
      'c=3',
    ]);
    expect(rawValues(response.rawHeaders, 'x-custom')).toEqual(['one']);
    expect(rawValues(response.rawHeaders, 'content-type')).toEqual(['text/plain; charset=utf-8']);
    expect(response.body).toBe('created');
  });

  it('streams a body chunk by chunk', async () => {
    const chunks = ['one,', 'two,', 'three'];
    let pulled = 0;
    listener = (_req, res) => {
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          const chunk = chunks[pulled];
          pulled += 1;
          if (chunk === undefined) controller.close();
          else controller.enqueue(new TextEncoder().encode(chunk));
        },
      });
      void sendWebResponse(res, new Response(body, { headers: { 'content-type': 'text/plain' } }));
    };
    const response = await send();
    expect(response.status).toBe(200);
    expect(rawValues(response.rawHeaders, 'transfer-encoding')).toEqual(['chunked']);
    expect(response.body).toBe('one,two,three');
    expect(response.complete).toBe(true);
  });

  it('ends a response without a body', async () => {
    let sent: Promise<void> = Promise.resolve();
    listener = (_req, res) => {
      sent = sendWebResponse(
        res,
        new Response(null, { status: 303, headers: { location: '/library' } }),
      );
    };
    const response = await send();
    await expect(sent).resolves.toBeUndefined();
    expect(response.status).toBe(303);
    expect(rawValues(response.rawHeaders, 'location')).toEqual(['/library']);
    expect(rawValues(response.rawHeaders, 'set-cookie')).toEqual([]);
    expect(response.body).toBe('');
    expect(response.complete).toBe(true);
  });
});

describe('toNodeListener', () => {
  it.each(['https://app.example/', 'app.example', 'ftp://app.example'])(
    'refuses the origin option %s when it is created, not per request',
    (origin) => {
      const error = thrownBy(() => toNodeListener(() => new Response('x'), { origin }));
      expect(error.code).toBe('ERR_INVALID_OPTIONS');
      expect(error.message).toContain('`origin`');
    },
  );

  it('serves a web handler, passing the origin option on', async () => {
    listener = toNodeListener(
      async (request) =>
        Response.json({ url: request.url, body: await request.text() }, { status: 202 }),
      { origin: 'https://app.example' },
    );
    const response = await send({ method: 'POST', path: '/cb?x=1', body: ['a=1', '&b=2'] });
    expect(response.status).toBe(202);
    expect(JSON.parse(response.body)).toEqual({
      url: 'https://app.example/cb?x=1',
      body: 'a=1&b=2',
    });
  });

  it.each([
    [
      'throws',
      () => {
        throw new Error('password=hunter2 leaked');
      },
    ],
    ['rejects', () => Promise.reject(new Error('password=hunter2 leaked'))],
  ])('answers a bare 500 when the handler %s, and keeps serving', async (_name, handler) => {
    let calls = 0;
    listener = toNodeListener(() => {
      calls += 1;
      return calls === 1 ? handler() : new Response('fine');
    });
    const failed = await send({ method: 'POST', body: ['some=body'] });
    expect(failed.status).toBe(500);
    expect(failed.body).toBe('Internal Server Error');
    expect(failed.body).not.toContain('hunter2');
    expect(rawValues(failed.rawHeaders, 'content-type')).toEqual(['text/plain; charset=utf-8']);

    const next = await send();
    expect(next.status).toBe(200);
    expect(next.body).toBe('fine');
  });

  it('cuts the connection when the body fails after the headers were sent', async () => {
    let responseStarted: () => void = () => undefined;
    const started = new Promise<void>((resolve) => {
      responseStarted = resolve;
    });
    let calls = 0;
    listener = toNodeListener(() => {
      calls += 1;
      if (calls > 1) return new Response('still up');
      let step = 0;
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          step += 1;
          if (step === 1) {
            controller.enqueue(new TextEncoder().encode('partial'));
            return;
          }
          await started;
          controller.error(new Error('upstream broke'));
        },
      });
      return new Response(body);
    });
    const broken = await send({}, responseStarted);
    expect(broken.status).toBe(200);
    expect(broken.complete).toBe(false);
    expect(broken.body).not.toContain('Internal Server Error');

    const next = await send();
    expect(next.body).toBe('still up');
  });
});
