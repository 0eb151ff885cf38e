// Starts the Koa example: against the sandbox (an emulator of Apple) by
// default, against a sandbox the demo shares, or against Apple when
// APPLE_TEAM_ID, APPLE_KEY_ID and APPLE_PRIVATE_KEY_PATH (or APPLE_PRIVATE_KEY)
// are set (then also set PUBLIC_URL and SESSION_KEYS).
import { randomBytes } from 'node:crypto';
import { serveExample } from '@apple-music-auth/example-shared/run';
import { appleMusicAuth } from '@apple-music-auth/koa';
import { createExampleApp, EXAMPLE } from './app.js';

export { EXAMPLE };

/**
 * Starts the example app (and, without Apple credentials or a shared sandbox, a sandbox).
 *
 * @param {Parameters<typeof serveExample>[0] & { auth?: Partial<import('@apple-music-auth/koa').AppleMusicKoaOptions> }} [options]
 */
export function startExample(options = {}) {
  return serveExample(options, ({ apple, env, publicURL }) => {
    const sessionKeys = env.SESSION_KEYS?.split(',') ?? [randomBytes(32).toString('base64url')];
    const am = appleMusicAuth({
      ...apple.credentials,
      callbackURL: `${publicURL}/auth/apple-music/callback`,
      session: true,
      app: { name: EXAMPLE },
      endpoints: apple.endpoints,
      ...options.auth,
    });
    const app = createExampleApp(am, {
      sessionKeys,
      musicKitScriptURL: apple.endpoints.musicKitScript,
    });
    return { listener: app.callback(), close: () => am.close() };
  });
}
