import { coreProject } from './vitest.config.js';

// The Apple Music client's tests again, on the `fetch` transport that
// Cloudflare Workers, Bun and Deno get: same timeouts, retries and errors.
export default coreProject('core (fetch)', 'default-transport.ts', [
  'test/apple-*.test.ts',
  'test/login-scenarios.test.ts',
]);
