import { createServer, IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect, Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { flowRequestFrom, isTLSRequest } from '../../src/node/index.js';
import { fakeSession } from '../support/session.js';

describe('flowRequestFrom', () => {
  it('maps a real node:http request: method, the routed URL, headers, plain http', async () => {
    const session = fakeSession();
    const seen: unknown[] = [];
    const server = createServer((req, res) => {
      seen.push(flowRequestFrom(req), flowRequestFrom(req, { url: '/mounted/auth?x=1', session }));
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await fetch(`http://127.0.0.1:${port}/auth?x=1`, {
      method: 'POST',
      body: 'a=1',
      headers: { 'x-test': 'yes' },
    });
    server.close();
    expect(seen[0]).toMatchObject({
      method: 'POST',
      url: '/auth?x=1',
      encrypted: false,
      session: undefined,
    });
    expect((seen[0] as { headers: Record<string, string> }).headers['x-test']).toBe('yes');
    expect(seen[1]).toMatchObject({ url: '/mounted/auth?x=1', session });
  });

  it('keeps only the path and query of an absolute-form target, from a raw socket', async () => {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(
        req.url ?? '',
        flowRequestFrom(req).url,
        flowRequestFrom(req, { url: req.url }).url,
      );
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const socket = connect(port, '127.0.0.1');
    socket.write(
      'GET https://evil.example/auth/apple-music/developer-token?x=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n',
    );
    for await (const _chunk of socket);
    server.close();
    expect(seen).toEqual([
      'https://evil.example/auth/apple-music/developer-token?x=1',
      '/auth/apple-music/developer-token?x=1',
      '/auth/apple-music/developer-token?x=1',
    ]);
  });

  it('says encrypted only for a TLS socket', () => {
    const plain = new IncomingMessage(new Socket());
    const tls = new IncomingMessage(Object.assign(new Socket(), { encrypted: true }));
    expect(isTLSRequest(plain)).toBe(false);
    expect(isTLSRequest(tls)).toBe(true);
    expect(flowRequestFrom(tls).encrypted).toBe(true);
  });
});
