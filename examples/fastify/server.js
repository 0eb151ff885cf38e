// Starts the example: against the sandbox (an emulator of Apple) by default,
// or against Apple when APPLE_TEAM_ID, APPLE_KEY_ID and APPLE_PRIVATE_KEY_PATH
// are set (then also set PUBLIC_URL, e.g. https://app.example).
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readPrivateKey } from '@apple-music-auth/core/node';
import { startSandbox } from '@apple-music-auth/sandbox';
import { buildApp } from './app.js';

/**
 * Starts the example app (and, without Apple credentials, a sandbox).
 *
 * @param {{ port?: number, env?: Record<string, string | undefined>, sandbox?: Partial<Parameters<typeof startSandbox>[0]>, auth?: Partial<import('@apple-music-auth/fastify').AppleMusicAuthPluginOptions> }} [options]
 */
export async function startExample(options = {}) {
  const env = options.env ?? process.env;
  /** @type {import('@apple-music-auth/sandbox').Sandbox | undefined} */
  let sandbox;
  let credentials;
  if (env.APPLE_TEAM_ID && env.APPLE_KEY_ID && env.APPLE_PRIVATE_KEY_PATH) {
    credentials = {
      teamId: env.APPLE_TEAM_ID,
      keyId: env.APPLE_KEY_ID,
      privateKey: await readPrivateKey(env.APPLE_PRIVATE_KEY_PATH),
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

  const app = await buildApp({
    sessionKey: env.SESSION_KEY ? Buffer.from(env.SESSION_KEY, 'hex') : randomBytes(32),
    secureCookies: env.PUBLIC_URL?.startsWith('https:') ?? false,
    logLevel: env.LOG_LEVEL ?? 'info',
    auth: {
      ...credentials,
      // Without PUBLIC_URL, the callback is resolved against each request's origin.
      ...(env.PUBLIC_URL ? { callbackURL: `${env.PUBLIC_URL}/auth/apple-music/callback` } : {}),
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
    },
  });
  try {
    await app.listen({ port: options.port ?? Number(env.PORT ?? 3000), host: '127.0.0.1' });
  } catch (error) {
    await app.close();
    await sandbox?.close();
    throw error;
  }
  const address = /** @type {import('node:net').AddressInfo} */ (app.server.address());

  return {
    url: env.PUBLIC_URL ?? `http://127.0.0.1:${address.port}`,
    app,
    sandbox,
    async close() {
      await app.close();
      await sandbox?.close();
    },
  };
}
