import { AppleMusicAuthError } from '../errors.js';
import { APPLE_ENDPOINTS, parseEndpointOption } from '../protocol/apple-endpoints.js';
import { isProduction, readEnvironmentVariable } from './environment.js';

/**
 * The environment variable of the emulator convention (as Firebase's
 * `FIREBASE_AUTH_EMULATOR_HOST`): when set, core sends its logins and API
 * calls to the sandbox at that URL instead of Apple.
 */
export const SANDBOX_URL_VARIABLE = 'APPLE_MUSIC_SANDBOX_URL';

/**
 * Where a sandbox serves each endpoint, relative to its base URL: the
 * contract between core and `@apple-music-auth/sandbox` (its `startSandbox`
 * lays them out so, and serves the resulting URLs at
 * `/.well-known/apple-music-sandbox`; a test checks that both agree).
 */
export const SANDBOX_PATHS = {
  authorize: '/woa',
  api: '',
  musicKitScript: '/musickit/v3/musickit.js',
} as const;

/** The endpoints of a sandbox, from its base URL. */
export interface SandboxEndpoints {
  /** The base URL as given, without a trailing slash. */
  url: string;
  /** The popup page: core's `authorizeURL`. */
  authorize: string;
  /** The API base (clients append `/v1/...`). */
  api: string;
  /** The MusicKit JS v3 stub. */
  musicKitScript: string;
}

/** The environment as far as the convention reads it. */

/**
 * Derives a sandbox's endpoints from its base URL (https, or http on a
 * loopback host; a path prefix is kept) by {@link SANDBOX_PATHS}.
 *
 * @throws {AppleMusicAuthError} `ERR_INVALID_OPTIONS` naming `APPLE_MUSIC_SANDBOX_URL`.
 */
export function sandboxEndpoints(sandboxURL: string): SandboxEndpoints {
  let base: URL;
  try {
    base = parseEndpointOption(SANDBOX_URL_VARIABLE, sandboxURL);
  } catch (error) {
    const problem =
      error instanceof Error ? error.message.replace(/^Invalid option `[^`]+`: /, '') : '';
    throw invalidVariable(
      `${problem} Give the URL \`apple-music-auth sandbox\` printed, e.g. http://127.0.0.1:8787.`,
    );
  }
  const url = base.href.replace(/\/+$/, '');
  return {
    url,
    authorize: url + SANDBOX_PATHS.authorize,
    api: url + SANDBOX_PATHS.api,
    musicKitScript: url + SANDBOX_PATHS.musicKitScript,
  };
}

/**
 * Reads `APPLE_MUSIC_SANDBOX_URL` once, at creation: its endpoints when it
 * is set (an empty value counts as unset), else `undefined`. Reads
 * `globalThis.process?.env`, so runtimes without `process` (or without the
 * permission to read the environment) simply see no sandbox.
 *
 * @throws {AppleMusicAuthError} `ERR_INVALID_OPTIONS` when the URL is not
 *   https or loopback http, or when `NODE_ENV` is `production`.
 */
export function sandboxFromEnvironment(): SandboxEndpoints | undefined {
  const value = readEnvironmentVariable(SANDBOX_URL_VARIABLE);
  if (value === undefined || value === '') return undefined;
  if (isProduction()) {
    throw invalidVariable(
      'it points core at the Apple Music sandbox, which has no place in production (NODE_ENV is "production"): unset APPLE_MUSIC_SANDBOX_URL.',
    );
  }
  return sandboxEndpoints(value);
}

/** The endpoint URLs `createAppleMusicAuth` uses, and the warning line to print at creation. */
export interface AppEndpoints {
  authorizeURL: string;
  /** Without a trailing slash. */
  apiURL: string;
  musicKitScriptURL: string;
  /** One line about `APPLE_MUSIC_SANDBOX_URL` when it is set (never a token), else `undefined`. */
  sandboxWarning: string | undefined;
}

/**
 * `createAppleMusicAuth`'s endpoints: the ones given in `endpoints` (each
 * checked, each missing one Apple's), else the sandbox's when
 * `APPLE_MUSIC_SANDBOX_URL` is set, else Apple's. Endpoints given in the
 * code win: the variable is then ignored, and the warning says so.
 *
 * @throws {AppleMusicAuthError} `ERR_INVALID_OPTIONS` naming the bad
 *   `endpoints.*` field or `APPLE_MUSIC_SANDBOX_URL`.
 */
export function resolveAppEndpoints(given: Readonly<Record<string, unknown>>): AppEndpoints {
  const endpoint = (name: keyof typeof APPLE_ENDPOINTS): string =>
    parseEndpointOption(`endpoints.${name}`, given[name] ?? APPLE_ENDPOINTS[name]).href;
  const fromCode = {
    authorizeURL: endpoint('authorize'),
    apiURL: endpoint('api').replace(/\/$/, ''),
    musicKitScriptURL: endpoint('musicKitScript'),
  };
  const sandbox = sandboxFromEnvironment();
  if (sandbox === undefined) return { ...fromCode, sandboxWarning: undefined };
  const named = (['authorize', 'api', 'musicKitScript'] as const).filter(
    (name) => given[name] !== undefined,
  );
  if (named.length > 0) {
    return {
      ...fromCode,
      sandboxWarning: `apple-music-auth: ${SANDBOX_URL_VARIABLE} is set (${sandbox.url}) but createAppleMusicAuth ignores it: its options give ${named.map((name) => `endpoints.${name}`).join(', ')}, which win.`,
    };
  }
  return {
    authorizeURL: sandbox.authorize,
    apiURL: sandbox.api,
    musicKitScriptURL: sandbox.musicKitScript,
    sandboxWarning: sandboxWarning('createAppleMusicAuth', sandbox),
  };
}

/** The warning line of a client or an auth that talks to the sandbox: its URL, never a token. */
export function sandboxWarning(creator: string, sandbox: SandboxEndpoints): string {
  return `apple-music-auth: ${creator} talks to the Apple Music sandbox at ${sandbox.url}, not to Apple, because ${SANDBOX_URL_VARIABLE} is set; unset it to talk to Apple.`;
}

function invalidVariable(problem: string): AppleMusicAuthError {
  return new AppleMusicAuthError(
    'ERR_INVALID_OPTIONS',
    `Invalid environment variable \`${SANDBOX_URL_VARIABLE}\`: ${problem}`,
  );
}
