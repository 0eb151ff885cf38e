// Starts the example: against the sandbox (an emulator of Apple) by default,
// against a sandbox the demo shares, or against Apple when APPLE_TEAM_ID,
// APPLE_KEY_ID and APPLE_PRIVATE_KEY_PATH (or APPLE_PRIVATE_KEY) are set
// (then also set PUBLIC_URL, e.g. https://app.example, and SESSION_SECRET).
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { appleBackend } from '@apple-music-auth/example-shared/apple';
import { listen } from '@apple-music-auth/example-shared/run';
import { Strategy } from '@apple-music-auth/passport';
import { createExampleApp, verify } from './app.js';

/**
 * Starts the example app (and, without Apple credentials or a shared sandbox, a sandbox).
 *
 * @param {{ port?: number, env?: Record<string, string | undefined>, apple?: import('@apple-music-auth/example-shared/apple').AppleBackend, sandbox?: Partial<import('@apple-music-auth/sandbox').SandboxOptions> }} [options]
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
  // No state secret: the login's state lives in express-session's session.
  const strategy = new Strategy(
    {
      ...apple.credentials,
      callbackURL: `${publicURL}/auth/apple-music/callback`,
      state: true,
      appName: 'Example Playlist Tool',
      endpoints: apple.endpoints,
    },
    verify,
  );
  const sessionSecret = env.SESSION_SECRET ?? randomBytes(32).toString('base64url');
  server.on(
    'request',
    createExampleApp({
      strategy,
      sessionSecret,
      musicKitScriptURL: apple.endpoints.musicKitScript,
    }),
  );

  return {
    url: publicURL,
    strategy,
    sandbox: apple.sandbox,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
      await strategy.auth.close();
      await apple.close();
    },
  };
}
