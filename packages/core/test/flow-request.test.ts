import { createServer, IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { flowRequestFrom, isTLSRequest } from '../src/node/index.js';
import { fakeSession } from './support/session.js';

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

  it('says encrypted only for a TLS socket', () => {
    const plain = new IncomingMessage(new Socket());
    const tls = new IncomingMessage(Object.assign(new Socket(), { encrypted: true }));
    expect(isTLSRequest(plain)).toBe(false);
    expect(isTLSRequest(tls)).toBe(true);
    expect(flowRequestFrom(tls).encrypted).toBe(true);
  });
});
