// A TCP proxy on loopback that delays every chunk by a fixed time in each
// direction (a stand-in for the network between a server and Apple) and
// counts the connections it accepted, and the most it had open at once.
import { once } from 'node:events';
import { connect, createServer } from 'node:net';

/** Relays `from` to `to` after `delayMs`, in order (timers of one delay fire in order). */
function relay(from, to, delayMs) {
  from.on('data', (chunk) => setTimeout(() => to.write(chunk), delayMs));
  from.on('end', () => setTimeout(() => to.end(), delayMs));
  from.on('error', () => to.destroy());
  from.on('close', () => setTimeout(() => to.destroy(), delayMs));
}

/**
 * Starts a proxy to `target` (`{ host, port }`) adding `delayMs` each way;
 * returns its port, `connections()` (`{ accepted, peak }` so far) and
 * `close()`. With
 * `handshakeMs`, a new connection's first bytes wait that long too, as a
 * TCP handshake's round trip would hold them.
 */
export async function startLatencyProxy(target, delayMs, { handshakeMs = 0 } = {}) {
  let accepted = 0;
  let open = 0;
  let peak = 0;
  const server = createServer((client) => {
    accepted += 1;
    open += 1;
    peak = Math.max(peak, open);
    client.on('close', () => {
      open -= 1;
    });
    client.setNoDelay(true);
    if (handshakeMs > 0) {
      client.pause();
      setTimeout(() => client.resume(), handshakeMs);
    }
    const upstream = connect({ ...target, noDelay: true });
    relay(client, upstream, delayMs);
    relay(upstream, client, delayMs);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: server.address().port,
    connections: () => ({ accepted, peak }),
    close: () => server.close(),
  };
}
