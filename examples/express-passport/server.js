// Starts the example: against the sandbox (an emulator of Apple) by default,
// or against Apple when APPLE_TEAM_ID, APPLE_KEY_ID and APPLE_PRIVATE_KEY_PATH
// are set (then also set PUBLIC_URL, e.g. https://app.example).
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { Strategy } from '@apple-music-auth/passport';
import { startSandbox } from '@apple-music-auth/sandbox';
import { createExampleApp, verify } from './app.js';

/**
 * Starts the example app (and, without Apple credentials, a sandbox).
 *
 * @param {{ port?: number, env?: Record<string, string | undefined>, sandbox?: Partial<Parameters<typeof startSandbox>[0]> }} [options]
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

  /** @type {import('@apple-music-auth/sandbox').Sandbox | undefined} */
  let sandbox;
  /** @type {{ teamID: string, keyID: string, privateKeyLocation: string } | { teamId: string, keyId: string, privateKey: import('node:crypto').KeyObject }} */
  let credentials;
  if (env.APPLE_TEAM_ID && env.APPLE_KEY_ID && env.APPLE_PRIVATE_KEY_PATH) {
    credentials = {
      teamID: env.APPLE_TEAM_ID,
      keyID: env.APPLE_KEY_ID,
      privateKeyLocation: env.APPLE_PRIVATE_KEY_PATH,
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

  // No state secret: the login's state lives in express-session's session.
  const strategy = new Strategy(
    {
      ...credentials,
      callbackURL: `${publicURL}/auth/apple-music/callback`,
      state: true,
      appName: 'Example Playlist Tool',
      ...(sandbox
        ? {
            endpoints: {
              authorize: sandbox.authorizeURL,
              api: sandbox.apiURL,
              musicKitScript: sandbox.musicKitScriptURL,
            },
          }
        : {}),
    },
    verify,
  );
  const sessionSecret = env.SESSION_SECRET ?? randomBytes(32).toString('base64url');
  server.on('request', createExampleApp({ strategy, sessionSecret }));

  return {
    url: publicURL,
    strategy,
    sandbox,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
      await strategy.auth.close();
      await sandbox?.close();
    },
  };
}
