// Starts the Koa example: against the sandbox (an emulator of Apple) by
// default, against a sandbox the demo shares, or against Apple when
// APPLE_TEAM_ID, APPLE_KEY_ID and APPLE_PRIVATE_KEY_PATH (or APPLE_PRIVATE_KEY)
// are set (then also set PUBLIC_URL and SESSION_KEYS).
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { appleBackend } from '@apple-music-auth/example-shared/apple';
import { listen } from '@apple-music-auth/example-shared/run';
import { appleMusicAuth } from '@apple-music-auth/koa';
import { createExampleApp } from './app.js';

/**
 * Starts the example app (and, without Apple credentials or a shared sandbox, a sandbox).
 *
 * @param {{ port?: number, env?: Record<string, string | undefined>, apple?: import('@apple-music-auth/example-shared/apple').AppleBackend, sandbox?: Partial<import('@apple-music-auth/sandbox').SandboxOptions>, auth?: Partial<import('@apple-music-auth/koa').AppleMusicKoaOptions> }} [options]
 */
export async function startExample(options = {}) {
  const env = options.env ?? process.env;
  const apple = await appleBackend({ env, shared: options.apple, sandbox: options.sandbox });
  const server = createServer();
  let url;
  try {
    url = await listen(server, options.port ?? Number(env.PORT ?? 3000));
  } catch (error) {
    await apple.close();
    throw error;
  }
  const publicURL = env.PUBLIC_URL ?? url;
  const sessionKeys = env.SESSION_KEYS?.split(',') ?? [randomBytes(32).toString('base64url')];
  const am = appleMusicAuth({
    ...apple.credentials,
    callbackURL: `${publicURL}/auth/apple-music/callback`,
    session: true,
    app: { name: 'Example Playlist Tool' },
    endpoints: apple.endpoints,
    ...options.auth,
  });
  server.on(
    'request',
    createExampleApp(am, {
      sessionKeys,
      musicKitScriptURL: apple.endpoints.musicKitScript,
    }).callback(),
  );

  return {
    url: publicURL,
    am,
    sandbox: apple.sandbox,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
      await am.close();
      await apple.close();
    },
  };
}
