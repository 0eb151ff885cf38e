import { Agent } from 'undici';
import {
  APPLE_CONNECTIONS_PER_ORIGIN,
  type AppleTransport,
  type TransportTimeouts,
} from './transport.js';
import { createUndiciTransport } from './undici-transport.js';

/**
 * The client's own transport on Node.js: one keep-alive undici `Agent` with
 * the client's connect, headers and body timeouts and at most
 * {@link APPLE_CONNECTIONS_PER_ORIGIN} connections per origin, closed by the
 * client's `close()`. `package.json`'s `#default-transport` import picks this module
 * under the `node` condition, `default-transport.ts` elsewhere.
 */
export function createDefaultTransport(timeouts: TransportTimeouts): AppleTransport {
  const agent = new Agent({
    connections: APPLE_CONNECTIONS_PER_ORIGIN,
    connect: { timeout: timeouts.connectTimeoutMs },
    headersTimeout: timeouts.timeoutMs,
    bodyTimeout: timeouts.timeoutMs,
  });
  return createUndiciTransport(agent, timeouts.timeoutMs, true);
}
