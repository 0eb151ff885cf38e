// Starts the example: against the sandbox (an emulator of Apple) by default,
// against a sandbox the demo shares, or against Apple when APPLE_TEAM_ID,
// APPLE_KEY_ID and APPLE_PRIVATE_KEY_PATH (or APPLE_PRIVATE_KEY) are set
// (then also set PUBLIC_URL, e.g. https://app.example).
import { randomBytes } from 'node:crypto';
import { appleBackend } from '@apple-music-auth/example-shared/apple';
import { buildApp } from './app.js';

/**
 * Starts the example app (and, without Apple credentials or a shared sandbox, a sandbox).
 *
 * @param {{ port?: number, env?: Record<string, string | undefined>, apple?: import('@apple-music-auth/example-shared/apple').AppleBackend, sandbox?: Partial<import('@apple-music-auth/sandbox').SandboxOptions>, auth?: Partial<import('@apple-music-auth/fastify').AppleMusicAuthPluginOptions> }} [options]
 */
export async function startExample(options = {}) {
  const env = options.env ?? process.env;
  const apple = await appleBackend({ env, shared: options.apple, sandbox: options.sandbox });
  const app = await buildApp({
    sessionKey: env.SESSION_KEY ? Buffer.from(env.SESSION_KEY, 'hex') : randomBytes(32),
    secureCookies: env.PUBLIC_URL?.startsWith('https:') ?? false,
    logLevel: env.LOG_LEVEL ?? 'info',
    musicKitScriptURL: apple.endpoints.musicKitScript,
    auth: {
      ...apple.credentials,
      // Without PUBLIC_URL, the callback is resolved against each request's origin.
      ...(env.PUBLIC_URL ? { callbackURL: `${env.PUBLIC_URL}/auth/apple-music/callback` } : {}),
      app: { name: 'Example Playlist Tool' },
      endpoints: apple.endpoints,
      ...options.auth,
    },
  });
  try {
    await app.listen({ port: options.port ?? Number(env.PORT ?? 3000), host: '127.0.0.1' });
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
