// The client's own undici Agent keeps at most APPLE_CONNECTIONS_PER_ORIGIN
// connections to Apple: twice as many calls at once wait for a free one.
import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { type AppleMusicClient, createAppleMusicClient } from '../../src/apple-api/client.js';
import { APPLE_CONNECTIONS_PER_ORIGIN } from '../../src/apple-api/transport.js';
import { storefrontResponse } from '../support/apple-responses.js';

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/**
 * A storefront endpoint on loopback that counts the TCP connections it
 * accepts and holds its answers until a pool's worth of requests wait at
 * once, so a client without a limit would open a connection per call.
 */
async function heldStorefront(holdUntil: number) {
  const held: ServerResponse[] = [];
  let releasing = false;
  let connections = 0;
  const answer = (res: ServerResponse): void => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(storefrontResponse));
  };
  const server = createServer((_req, res) => {
    if (releasing) {
      answer(res);
      return;
    }
    held.push(res);
    if (held.length < holdUntil) return;
    releasing = true;
    for (const waiting of held.splice(0)) answer(waiting);
  });
  server.on('connection', () => {
    connections += 1;
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  closers.push(async () => {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, connections: () => connections };
}

function clientOf(apiURL: string): AppleMusicClient {
  const client = createAppleMusicClient({ apiURL, getDeveloperToken: async () => 'dev' });
  closers.push(() => client.close());
  return client;
}

it(`opens at most ${APPLE_CONNECTIONS_PER_ORIGIN} connections for twice as many calls at once`, async () => {
  const storefront = await heldStorefront(APPLE_CONNECTIONS_PER_ORIGIN);
  const client = clientOf(storefront.url);
  const calls = Array.from({ length: 2 * APPLE_CONNECTIONS_PER_ORIGIN }, (_, index) =>
    client.verifyMusicUserToken(`user-token-${index}`),
  );
  const storefronts = await Promise.all(calls);
  expect(storefronts).toHaveLength(2 * APPLE_CONNECTIONS_PER_ORIGIN);
  expect(new Set(storefronts.map((answer) => answer.id))).toEqual(new Set(['us']));
  expect(storefront.connections()).toBe(APPLE_CONNECTIONS_PER_ORIGIN);
});
