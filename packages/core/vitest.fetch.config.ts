import { coreConfig } from './vitest.config.js';

// The Apple Music client's tests again, on the `fetch` transport that
// Cloudflare Workers, Bun and Deno get: same timeouts, retries and errors.
// apple-faults counts sockets left open after close(): the global fetch keeps
// its idle keep-alive sockets in a pool no client owns, so it runs on undici only,
// as does apple-connection-pool (the limit is the client's own Agent's).
export default coreConfig('apple-api/default-transport.ts', {
  name: 'core-fetch',
  include: ['test/apple-api/*.test.ts', 'test/login-scenarios.test.ts'],
  exclude: ['test/apple-api/faults.test.ts', 'test/apple-api/connection-pool.test.ts'],
});
