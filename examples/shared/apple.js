// Where an example's Apple lives: Apple itself when APPLE_TEAM_ID,
// APPLE_KEY_ID and a key (APPLE_PRIVATE_KEY_PATH, or APPLE_PRIVATE_KEY in any
// spelling core accepts) are set; otherwise the sandbox, an emulator of
// Apple's popup and API on loopback (one shared by the demo, or its own).
import { generateKeyPairSync } from 'node:crypto';
import { createDeveloperTokenCache, isAppleMusicAuthError } from '@apple-music-auth/core';
import { readPrivateKeySync } from '@apple-music-auth/core/node';
import { startSandbox } from '@apple-music-auth/sandbox';

/** A setup mistake to report in one line each, without a stack trace. */
export class ExampleSetupError extends Error {
  /** @param {string[]} problems */
  constructor(problems) {
    super(problems.join('\n'));
    this.name = 'ExampleSetupError';
    this.problems = problems;
  }
}

/**
 * @typedef {{ teamId: string, keyId: string, privateKey: import('@apple-music-auth/core').PrivateKeyInput }} Credentials
 * @typedef {{ authorize?: string, api?: string, musicKitScript?: string }} Endpoints
 * @typedef {{ kind: 'apple' | 'sandbox', credentials: Credentials, endpoints: Endpoints, sandbox: import('@apple-music-auth/sandbox').Sandbox | undefined, close(): Promise<void> }} AppleBackend
 */

/**
 * Starts (or reads) the Apple an example talks to.
 *
 * @param {{ env?: Record<string, string | undefined>, shared?: AppleBackend, sandbox?: Partial<Parameters<typeof startSandbox>[0]> }} [options]
 * @returns {Promise<AppleBackend>}
 */
export async function appleBackend(options = {}) {
  if (options.shared) return { ...options.shared, close: async () => {} };
  const env = options.env ?? process.env;
  const apple = appleCredentials(env);
  if (apple) {
    return {
      kind: 'apple',
      credentials: apple,
      endpoints: {},
      sandbox: undefined,
      close: async () => {},
    };
  }
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const credentials = { teamId: 'SANDBOX123', keyId: 'SANDBOXKEY', privateKey };
  const sandbox = await startSandbox({
    teamId: credentials.teamId,
    keyId: credentials.keyId,
    publicKey,
    outcome: 'manual',
    ...options.sandbox,
  });
  return {
    kind: 'sandbox',
    credentials,
    endpoints: {
      authorize: sandbox.authorizeURL,
      api: sandbox.apiURL,
      musicKitScript: sandbox.musicKitScriptURL,
    },
    sandbox,
    close: () => sandbox.close(),
  };
}

/**
 * Apple's credentials from the environment, `undefined` when none is set, or
 * an {@link ExampleSetupError} naming each missing or invalid variable.
 *
 * @param {Record<string, string | undefined>} env
 * @returns {Credentials | undefined}
 */
export function appleCredentials(env) {
  const names = ['APPLE_TEAM_ID', 'APPLE_KEY_ID', 'APPLE_PRIVATE_KEY_PATH', 'APPLE_PRIVATE_KEY'];
  if (!names.some((name) => env[name])) return undefined;
  const problems = [];
  if (!env.APPLE_TEAM_ID) problems.push('APPLE_TEAM_ID is missing: your 10-character Team ID.');
  if (!env.APPLE_KEY_ID)
    problems.push('APPLE_KEY_ID is missing: the 10-character ID of your MusicKit key.');
  if (env.APPLE_PRIVATE_KEY_PATH && env.APPLE_PRIVATE_KEY) {
    problems.push('Set only one of APPLE_PRIVATE_KEY_PATH and APPLE_PRIVATE_KEY.');
  } else if (!env.APPLE_PRIVATE_KEY_PATH && !env.APPLE_PRIVATE_KEY) {
    problems.push(
      'APPLE_PRIVATE_KEY_PATH (your AuthKey_<KEYID>.p8) or APPLE_PRIVATE_KEY (its text) is missing.',
    );
  }
  /** @type {string | undefined} */
  let privateKey = env.APPLE_PRIVATE_KEY;
  if (env.APPLE_PRIVATE_KEY_PATH && !env.APPLE_PRIVATE_KEY) {
    privateKey = check(problems, 'APPLE_PRIVATE_KEY_PATH', () =>
      readPrivateKeySync(/** @type {string} */ (env.APPLE_PRIVATE_KEY_PATH)),
    );
  }
  if (problems.length === 0 && privateKey !== undefined) {
    const credentials = {
      teamId: /** @type {string} */ (env.APPLE_TEAM_ID),
      keyId: /** @type {string} */ (env.APPLE_KEY_ID),
      privateKey,
    };
    check(problems, 'Apple credentials', () => createDeveloperTokenCache(credentials));
    if (problems.length === 0) return credentials;
  }
  throw new ExampleSetupError(problems);
}

/**
 * Runs `read`, turning this library's error into one line under `name`.
 *
 * @template T
 * @param {string[]} problems
 * @param {string} name
 * @param {() => T} read
 * @returns {T | undefined}
 */
function check(problems, name, read) {
  try {
    return read();
  } catch (error) {
    if (!isAppleMusicAuthError(error)) throw error;
    problems.push(`${name}: ${error.message}`);
    return undefined;
  }
}
