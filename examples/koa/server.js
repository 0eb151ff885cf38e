// Starts the Koa example: against the sandbox (an emulator of Apple) by
// default, or against Apple when APPLE_TEAM_ID, APPLE_KEY_ID and
// APPLE_PRIVATE_KEY_PATH are set (then also set PUBLIC_URL and SESSION_KEYS).
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { appleMusicAuth } from '@apple-music-auth/koa';
import { startSandbox } from '@apple-music-auth/sandbox';
import { createExampleApp } from './app.js';

/**
 * Starts the example app (and, without Apple credentials, a sandbox).
 *
 * @param {{ port?: number, env?: Record<string, string | undefined>, sandbox?: Partial<Parameters<typeof startSandbox>[0]>, auth?: Partial<import('@apple-music-auth/koa').AppleMusicKoaOptions> }} [options]
 */
export async function startExample(options = {}) {
  const env = options.env ?? process.env;
  const server = createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? Number(env.PORT ?? 3000), '127.0.0.1', () => {
      server.off('error', reject);
      resolve(undefined);
    });
  });
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  const url = `http://127.0.0.1:${address.port}`;
  const publicURL = env.PUBLIC_URL ?? url;
  const sessionKeys = env.SESSION_KEYS?.split(',') ?? [randomBytes(32).toString('base64url')];

  /** @type {import('@apple-music-auth/sandbox').Sandbox | undefined} */
  let sandbox;
  /** @type {Pick<import('@apple-music-auth/koa').AppleMusicKoaOptions, 'teamId' | 'keyId' | 'privateKey' | 'privateKeyPath'>} */
  let credentials;
  if (env.APPLE_TEAM_ID && env.APPLE_KEY_ID && env.APPLE_PRIVATE_KEY_PATH) {
    credentials = {
      teamId: env.APPLE_TEAM_ID,
      keyId: env.APPLE_KEY_ID,
      privateKeyPath: env.APPLE_PRIVATE_KEY_PATH,
    };
  } else {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    credentials = { teamId: 'SANDBOX123', keyId: 'SANDBOXKEY', privateKey };
    sandbox = await startSandbox({
      teamId: credentials.teamId,
      keyId: credentials.keyId,
      publicKey,
      outcome: 'manual',
      ...options.sandbox,
    });
  }

  const am = appleMusicAuth({
    ...credentials,
    callbackURL: `${publicURL}/auth/apple-music/callback`,
    session: true,
    app: { name: 'Example Playlist Tool' },
    ...(sandbox
      ? {
          endpoints: {
            authorize: sandbox.authorizeURL,
            api: sandbox.apiURL,
            musicKitScript: sandbox.musicKitScriptURL,
          },
        }
      : {}),
    ...options.auth,
  });
  server.on('request', createExampleApp(am, { sessionKeys }).callback());

  return {
    url: publicURL,
    am,
    sandbox,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
      await am.close();
      await sandbox?.close();
    },
  };
}
