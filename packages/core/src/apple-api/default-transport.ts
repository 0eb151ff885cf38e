import { createFetchTransport } from './fetch-transport.js';
import type { AppleTransport, TransportTimeouts } from './transport.js';

/**
 * The client's own transport where undici is not available (Cloudflare
 * Workers, Bun, Deno, browsers): the global `fetch`. `package.json`'s
 * `#default-transport` import picks this module or `default-transport.node.ts`.
 */
export function createDefaultTransport(_timeouts: TransportTimeouts): AppleTransport {
  return createFetchTransport();
}
