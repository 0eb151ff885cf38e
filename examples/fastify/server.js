// Starts the example: against the sandbox (an emulator of Apple) by default,
// against a sandbox the demo shares, or against Apple when APPLE_TEAM_ID,
// APPLE_KEY_ID and APPLE_PRIVATE_KEY_PATH (or APPLE_PRIVATE_KEY) are set
// (then also set PUBLIC_URL, e.g. https://app.example).
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { appleBackend } from '@apple-music-auth/example-shared/apple';
import { buildApp, EXAMPLE } from './app.js';

export { EXAMPLE };

/**
 * Starts the example app (and, without Apple credentials or a shared sandbox, a sandbox).
 *
 * @param {{ port?: number, env?: Record<string, string | undefined>, apple?: import('@apple-music-auth/example-shared/apple').AppleBackend, sandbox?: Partial<import('@apple-music-auth/sandbox').SandboxOptions>, auth?: Partial<import('@apple-music-auth/fastify').AppleMusicAuthPluginOptions> }} [options]
 */
export async function startExample(options = {}) {
  const env = options.env ?? process.env;
  const port = await portToListenOn(options.port ?? Number(env.PORT ?? 3000));
  const apple = await appleBackend({ env, shared: options.apple, sandbox: options.sandbox });
  const app = await buildApp({
    sessionKey: env.SESSION_KEY ? Buffer.from(env.SESSION_KEY, 'hex') : randomBytes(32),
    secureCookies: env.PUBLIC_URL?.startsWith('https:') ?? false,
    // Quiet unless asked: LOG_LEVEL=info prints Fastify's JSON log lines.
    logLevel: env.LOG_LEVEL || undefined,
    musicKitScriptURL: apple.endpoints.musicKitScript,
    auth: {
      ...apple.credentials,
      // Without PUBLIC_URL, the callback is the plugin's path, resolved against
      // each request's origin, which must be one of appOrigins: APP_ORIGINS
      // (comma-separated), else this machine's loopback addresses.
      ...(env.PUBLIC_URL
        ? { callbackURL: `${env.PUBLIC_URL}/auth/apple-music/callback` }
        : {
            appOrigins: env.APP_ORIGINS?.split(',').map((origin) => origin.trim()) ?? [
              `http://127.0.0.1:${port}`,
              `http://localhost:${port}`,
            ],
          }),
      app: { name: EXAMPLE },
      endpoints: apple.endpoints,
      ...options.auth,
    },
  });
  try {
    await app.listen({ port, host: '127.0.0.1' });
  } catch (error) {
    await app.close();
    await apple.close();
    throw error;
  }
  const address = /** @type {import('node:net').AddressInfo} */ (app.server.address());

  return {
    url: env.PUBLIC_URL ?? `http://127.0.0.1:${address.port}`,
    app,
    sandbox: apple.sandbox,
    async close() {
      await app.close();
      await apple.close();
    },
  };
}

/**
 * The port to listen on: `port`, or for `0` one that is free now, so that
 * `appOrigins` can name it before the plugin registers.
 *
 * @param {number} port
 * @returns {Promise<number>}
 */
async function portToListenOn(port) {
  if (port !== 0) return port;
  const probe = createServer();
  await new Promise((resolve) => probe.listen(0, '127.0.0.1', () => resolve(undefined)));
  const { port: free } = /** @type {import('node:net').AddressInfo} */ (probe.address());
  await new Promise((resolve) => probe.close(() => resolve(undefined)));
  return free;
}
