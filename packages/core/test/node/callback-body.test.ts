// readCallbackBody over real node:http requests, with and without
// body-parser 1.x in front: it must read what a parser left, and read the
// stream itself when the parser skipped it (body-parser then sets `body = {}`
// without reading, which used to end in a misleading "neither token nor error").
import { once } from 'node:events';
import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import bodyParser from 'body-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppleMusicAuthError, MAX_CALLBACK_BODY_BYTES } from '../../src/index.js';
import { readCallbackBody } from '../../src/node/index.js';
import { parseCallback } from '../../src/protocol/callback-payload.js';

type Middleware = (
  req: IncomingMessage,
  res: ServerResponse,
  next: (error?: unknown) => void,
) => void;

/** Which parser runs before readCallbackBody, by path. */
const parsers: Record<string, Middleware | undefined> = {
  '/none': undefined,
  '/urlencoded': bodyParser.urlencoded({ extended: false }),
  '/json': bodyParser.json(),
  '/raw-json': bodyParser.json({
    verify: (req, _res, buffer) => {
      (req as IncomingMessage & { rawBody?: string }).rawBody = buffer.toString('utf8');
    },
  }),
};

let origin: string;
const server = createServer((req, res) => {
  const parser = parsers[req.url ?? ''];
  const read = () =>
    readCallbackBody(req).then(
      (body) => {
        const kind = typeof body === 'string' ? 'text' : body === undefined ? 'none' : 'object';
        res.end(JSON.stringify({ kind, body: body instanceof URLSearchParams ? null : body }));
      },
      (error: unknown) => {
        res.statusCode = isAppleMusicAuthError(error) ? error.status : 500;
        res.end(JSON.stringify({ code: isAppleMusicAuthError(error) ? error.code : 'bug' }));
      },
    );
  if (parser === undefined) read();
  else parser(req, res, () => read());
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function post(path: string, contentType: string, body: string | Uint8Array<ArrayBuffer>) {
  const response = await fetch(`${origin}${path}`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  });
  return { status: response.status, ...((await response.json()) as Record<string, unknown>) };
}

const FORM = 'application/x-www-form-urlencoded';
const form = 'state=s&music_user_token=abc%2B%2F%3D';
const json = '{"state":"s","music_user_token":"abc+/="}';

describe('readCallbackBody', () => {
  it('reads the stream when no parser ran', async () => {
    expect(await post('/none', FORM, form)).toEqual({ status: 200, kind: 'text', body: form });
  });

  it('takes the parsed object when the parser read the stream', async () => {
    expect(await post('/urlencoded', FORM, form)).toEqual({
      status: 200,
      kind: 'object',
      body: { state: 's', music_user_token: 'abc+/=' },
    });
  });

  it('reads the stream itself when the parser skipped its content type and left body = {}', async () => {
    expect(await post('/urlencoded', 'application/json', json)).toEqual({
      status: 200,
      kind: 'text',
      body: json,
    });
    expect(await post('/json', FORM, form)).toEqual({ status: 200, kind: 'text', body: form });
  });

  it('prefers the raw text a parser kept', async () => {
    expect(await post('/raw-json', 'application/json', json)).toEqual({
      status: 200,
      kind: 'text',
      body: json,
    });
  });

  it('keeps a repeated JSON key only where the raw text was kept: the parsed object has lost it', async () => {
    const repeated = '{"state":"forged","music_user_token":"abc","state":"s"}';
    expect(await post('/raw-json', 'application/json', repeated)).toEqual({
      status: 200,
      kind: 'text',
      body: repeated,
    });
    expect(() => parseCallback(repeated, { contentType: 'application/json' })).toThrow(
      /"state" appears more than once/,
    );
    expect(await post('/json', 'application/json', repeated)).toEqual({
      status: 200,
      kind: 'object',
      body: { state: 's', music_user_token: 'abc' },
    });
  });

  it('reads a body of exactly the limit, and refuses one byte more with 413', async () => {
    const exact = 'a'.repeat(MAX_CALLBACK_BODY_BYTES);
    expect(await post('/none', FORM, exact)).toMatchObject({ status: 200, kind: 'text' });
    expect(await post('/none', FORM, `${exact}a`)).toEqual({
      status: 413,
      code: 'ERR_CALLBACK_INVALID',
    });
    const raw = JSON.stringify({ state: 'a'.repeat(MAX_CALLBACK_BODY_BYTES) });
    expect(await post('/raw-json', 'application/json', raw)).toEqual({
      status: 413,
      code: 'ERR_CALLBACK_INVALID',
    });
  });

  it('refuses a body that is not UTF-8', async () => {
    const bytes = new Uint8Array([...new TextEncoder().encode('state=s&x='), 0xff, 0xfe]);
    expect(await post('/none', FORM, bytes)).toEqual({ status: 400, code: 'ERR_CALLBACK_INVALID' });
  });

  it('takes the empty object of a parser that read an empty body', async () => {
    expect(await post('/urlencoded', FORM, '')).toEqual({ status: 200, kind: 'object', body: {} });
  });

  it('joins a body sent in pieces, a character split between two of them', async () => {
    const server = createServer((req, res) => {
      readCallbackBody(req).then((body) => res.end(JSON.stringify({ body })));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const bytes = Buffer.from('state=s&music_user_token=caf\u00e9');
      const client = request({
        port: (server.address() as AddressInfo).port,
        host: '127.0.0.1',
        method: 'POST',
        headers: { 'content-type': FORM, 'content-length': bytes.length },
      });
      client.write(bytes.subarray(0, bytes.length - 1));
      await new Promise((resolve) => setTimeout(resolve, 20));
      client.end(bytes.subarray(bytes.length - 1));
      const [response] = (await once(client, 'response')) as [IncomingMessage];
      let text = '';
      for await (const chunk of response) text += chunk;
      expect(JSON.parse(text)).toEqual({ body: 'state=s&music_user_token=caf\u00e9' });
    } finally {
      server.close();
    }
  });

  it('fails, instead of waiting forever, when the client goes away mid-body', async () => {
    let settled: Promise<unknown> | undefined;
    const server = createServer((req) => {
      settled = readCallbackBody(req).then(
        () => 'read',
        (error: unknown) => error,
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const client = request({
        port: (server.address() as AddressInfo).port,
        host: '127.0.0.1',
        method: 'POST',
        headers: { 'content-type': FORM, 'content-length': 100 },
      });
      client.on('error', () => {});
      client.write('state=s&music_user');
      await new Promise((resolve) => setTimeout(resolve, 50));
      client.destroy();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await settled).toBeInstanceOf(Error);
      expect(await settled).not.toBe('read');
    } finally {
      server.close();
    }
  });
});
