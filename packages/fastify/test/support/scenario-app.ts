import { generateKeyPairSync } from 'node:crypto';
import { Writable } from 'node:stream';
import { type Sandbox, startSandbox } from '@apple-music-auth/sandbox';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { type AppleMusicAuthPluginOptions, appleMusicAuth } from '../../src/index.js';

/** The Apple credentials every test app signs with, and the sandbox checks. */
export const teamId = 'TEAM123456';
export const keyId = 'KEY1234567';
export const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

/** A sandbox that knows the test key and lets every login through; the caller closes it. */
export function startTestSandbox(): Promise<Sandbox> {
  return startSandbox({ teamId, keyId, publicKey, outcome: 'allow' });
}

/** A state secret long enough for core. */
export const stateSecret = 'a-state-secret-that-is-long-enough-for-hmac';

/** The plugin's options against `sandbox`, with a short Apple timeout for the scenarios. */
export function sandboxOptions(
  sandbox: Sandbox,
  extra: Partial<AppleMusicAuthPluginOptions> = {},
): AppleMusicAuthPluginOptions {
  return {
    teamId,
    keyId,
    privateKey,
    state: { secret: stateSecret },
    app: { name: 'Fastify Scenario App' },
    endpoints: { authorize: sandbox.authorizeURL, api: sandbox.apiURL },
    timeoutMs: 2000,
    ...extra,
  };
}

/** Fastify's logger at `info`, keeping each line it writes in `lines`. */
export function collectedLogs(): { lines: string[]; logger: FastifyServerOptions['logger'] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: { level: 'info', stream } };
}

/**
 * The app the shared scenario table expects: the plugin with core's default
 * failure answer, and a successful login answered with 200 JSON. `onLogin`
 * runs in each `onSuccess`, e.g. to count them.
 */
export async function createScenarioApp(
  options: AppleMusicAuthPluginOptions,
  fastifyOptions: FastifyServerOptions = {},
  onLogin: () => void = () => {},
): Promise<FastifyInstance> {
  const app = Fastify(fastifyOptions);
  await app.register(appleMusicAuth, {
    ...options,
    onSuccess: (_request, _reply, { musicUserToken, restricted, storefront, returnTo }) => {
      onLogin();
      return { musicUserToken, restricted, storefront, returnTo };
    },
  });
  return app;
}
