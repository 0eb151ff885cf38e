import {
  APPLE_CONNECTIONS_PER_ORIGIN,
  type AppleTransport,
  type TransportTimeouts,
} from './transport.js';
import { createUndiciTransport, undiciFailureKind } from './undici-transport.js';

/**
 * The client's own transport on Node.js: one keep-alive undici `Agent` with
 * the client's connect, headers and body timeouts and at most
 * {@link APPLE_CONNECTIONS_PER_ORIGIN} connections per origin, closed by the
 * client's `close()`. undici is imported at the first call to Apple, not at
 * start-up: a serverless cold start that only answers a login page never
 * loads it. `package.json`'s `#default-transport` import picks this module
 * under the `node` condition, `default-transport.ts` elsewhere.
 */
export function createDefaultTransport(timeouts: TransportTimeouts): AppleTransport {
  let opened: Promise<AppleTransport> | undefined;
  const open = (): Promise<AppleTransport> => {
    opened ??= import('undici').then(({ Agent }) =>
      createUndiciTransport(
        new Agent({
          connections: APPLE_CONNECTIONS_PER_ORIGIN,
          connect: { timeout: timeouts.connectTimeoutMs },
          headersTimeout: timeouts.timeoutMs,
          bodyTimeout: timeouts.timeoutMs,
        }),
        timeouts.timeoutMs,
        true,
      ),
    );
    return opened;
  };
  return {
    send: async (request) => (await open()).send(request),
    failureKind: undiciFailureKind,
    // Opened here if no call came first, so that a call after close() meets a closed Agent as before.
    close: async () => (await open()).close(),
  };
}
