// Starts the example: against the sandbox (an emulator of Apple) by default,
// against a sandbox the demo shares, or against Apple when APPLE_TEAM_ID,
// APPLE_KEY_ID and APPLE_PRIVATE_KEY_PATH (or APPLE_PRIVATE_KEY) are set
// (then also set PUBLIC_URL, e.g. https://app.example).
import { randomBytes } from 'node:crypto';
import { createAppleMusicAuth } from '@apple-music-auth/core';
import { toNodeListener } from '@apple-music-auth/core/node';
import { serveExample } from '@apple-music-auth/example-shared/run';
import { createExampleHandler, EXAMPLE } from './app.js';

export { EXAMPLE };

/**
 * Starts the example app (and, without Apple credentials or a shared sandbox, a sandbox).
 *
 * @param {Parameters<typeof serveExample>[0] & { auth?: Partial<import('@apple-music-auth/core').AppleMusicAuthOptions> }} [options]
 */
export function startExample(options = {}) {
  return serveExample(options, ({ apple, env, publicURL }) => {
    const auth = createAppleMusicAuth({
      ...apple.credentials,
      callbackURL: `${publicURL}/auth/apple-music/callback`,
      state: { secret: env.STATE_SECRET ?? randomBytes(32).toString('base64url') },
      app: { name: EXAMPLE },
      endpoints: apple.endpoints,
      ...options.auth,
    });
    const handler = createExampleHandler(auth, {
      musicKitScriptURL: apple.endpoints.musicKitScript,
    });
    return { listener: toNodeListener(handler), close: () => auth.close() };
  });
}
