// Starts the example: against the sandbox (an emulator of Apple) by default,
// against a sandbox the demo shares, or against Apple when APPLE_TEAM_ID,
// APPLE_KEY_ID and APPLE_PRIVATE_KEY_PATH (or APPLE_PRIVATE_KEY) are set
// (then also set PUBLIC_URL, e.g. https://app.example, and SESSION_SECRET).
import { randomBytes } from 'node:crypto';
import { serveExample } from '@apple-music-auth/example-shared/run';
import { Strategy } from '@apple-music-auth/passport';
import { createExampleApp, EXAMPLE, verify } from './app.js';

export { EXAMPLE };

/**
 * Starts the example app (and, without Apple credentials or a shared sandbox, a sandbox).
 *
 * @param {Parameters<typeof serveExample>[0] & { auth?: { ui?: 'popup' | 'musickit' } }} [options]
 */
export function startExample(options = {}) {
  return serveExample(options, ({ apple, env, publicURL }) => {
    // No state secret: the login's state lives in express-session's session.
    const strategy = new Strategy(
      {
        ...apple.credentials,
        callbackURL: `${publicURL}/auth/apple-music/callback`,
        state: true,
        appName: EXAMPLE,
        endpoints: apple.endpoints,
        ...options.auth,
      },
      verify,
    );
    const app = createExampleApp({
      strategy,
      sessionSecret: env.SESSION_SECRET ?? randomBytes(32).toString('base64url'),
      musicKitScriptURL: apple.endpoints.musicKitScript,
    });
    return { listener: app, close: () => strategy.auth.close() };
  });
}
