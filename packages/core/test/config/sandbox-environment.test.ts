// The emulator convention: APPLE_MUSIC_SANDBOX_URL points core at a real
// sandbox on loopback; explicit endpoints win; production and non-loopback
// http are refused; runtimes without a readable environment see no sandbox.
import { generateKeyPairSync } from 'node:crypto';
import {
  openLoginPage,
  SANDBOX_DESCRIPTION_PATH,
  type Sandbox,
  type SandboxDescription,
  type ScenarioTarget,
  sendCallback,
  startSandbox,
} from '@apple-music-auth/sandbox';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { verifyMusicUserToken } from '../../src/apple-api/client.js';
import { SANDBOX_URL_VARIABLE, sandboxEndpoints } from '../../src/config/sandbox-endpoints.js';
import {
  type AppleMusicAuth,
  type AppleMusicAuthOptions,
  createAppleMusicAuth,
  createAppleMusicClient,
  isAppleMusicAuthError,
  type LoginResult,
} from '../../src/index.js';
import { APPLE_ENDPOINTS } from '../../src/protocol/apple-endpoints.js';

const keys = {
  teamId: 'TEAM123456',
  keyId: 'KEY1234567',
  ...generateKeyPairSync('ec', { namedCurve: 'P-256' }),
};
const ORIGIN = 'https://app.example';
const CONFIG_BLOCK =
  /<script type="application\/json" id="apple-music-auth-config"[^>]*>([^<]*)<\/script>/;

/** The options of an app as its README writes them: no `endpoints`. */
const appOptions = {
  teamId: keys.teamId,
  keyId: keys.keyId,
  privateKey: keys.privateKey,
  callbackURL: `${ORIGIN}/auth/apple-music/callback`,
  state: { secret: 'a-state-secret-that-is-long-enough-for-hmac' },
} satisfies AppleMusicAuthOptions;

// Two sandboxes with the same key but different storefronts, so a login's
// storefront says which one core asked.
let sandbox: Sandbox;
let other: Sandbox;
beforeAll(async () => {
  const options = { teamId: keys.teamId, keyId: keys.keyId, publicKey: keys.publicKey };
  sandbox = await startSandbox({ ...options, storefront: 'jp' });
  other = await startSandbox({ ...options, storefront: 'gb' });
});
afterAll(async () => {
  await Promise.all([sandbox.close(), other.close()]);
});

const savedEnvironment = { ...process.env };
let warnings: string[];
beforeEach(() => {
  warnings = [];
  vi.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => {
    warnings.push(args.join(' '));
  });
  delete process.env[SANDBOX_URL_VARIABLE];
  delete process.env.NODE_ENV;
});
afterEach(() => {
  vi.restoreAllMocks();
  for (const name of Object.keys(process.env)) {
    if (!(name in savedEnvironment)) delete process.env[name];
  }
  Object.assign(process.env, savedEnvironment);
});

const instances: AppleMusicAuth[] = [];
afterAll(async () => {
  await Promise.all(instances.map((auth) => auth.close()));
});

function createAuth(extra: Partial<AppleMusicAuthOptions> = {}): AppleMusicAuth {
  const auth = createAppleMusicAuth({ ...appOptions, ...extra });
  instances.push(auth);
  return auth;
}

/** The app's routes through core's web handlers, with every successful login kept. */
function targetOf(
  auth: AppleMusicAuth,
  against: Sandbox,
  successes: LoginResult[],
): ScenarioTarget {
  return {
    sandbox: against,
    loginURL: `${ORIGIN}${auth.routes.loginPath}`,
    callbackURL: `${ORIGIN}${auth.routes.callbackPath}`,
    send: (request) => {
      const { pathname } = new URL(request.url);
      if (pathname === auth.routes.loginPath) return auth.handleLogin(request);
      return auth.handleCallback(request, {
        onSuccess: (result) => {
          successes.push(result);
          return new Response('signed in');
        },
      });
    },
  };
}

/** Runs a login: the bridge page, then a callback with a token `issuer` issued. */
async function logIn(auth: AppleMusicAuth, issuer: Sandbox) {
  const successes: LoginResult[] = [];
  const target = targetOf(auth, issuer, successes);
  const page = await openLoginPage(target);
  const config = JSON.parse(CONFIG_BLOCK.exec(page.html)?.[1] ?? '{}') as {
    authorizeURL?: string;
  };
  const response = await sendCallback(
    target,
    { state: page.state, music_user_token: issuer.issueToken(), restricted: '0' },
    page.cookies,
  );
  return { page, config, response, successes };
}

function expectInvalidOptions(create: () => unknown, message: RegExp): void {
  let thrown: unknown;
  try {
    create();
  } catch (error) {
    thrown = error;
  }
  expect(isAppleMusicAuthError(thrown) && thrown.code).toBe('ERR_INVALID_OPTIONS');
  expect((thrown as Error).message).toMatch(message);
}

describe('with APPLE_MUSIC_SANDBOX_URL set', () => {
  it('logs in against that sandbox, with one warning line naming it at creation', async () => {
    process.env[SANDBOX_URL_VARIABLE] = sandbox.url;
    const auth = createAuth();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`sandbox at ${sandbox.url}`);
    expect(warnings[0]).toContain(SANDBOX_URL_VARIABLE);

    const { config, response, successes } = await logIn(auth, sandbox);
    expect(config.authorizeURL).toBe(sandbox.authorizeURL);
    expect(response.status).toBe(200);
    // The token was checked with the sandbox's API: its storefront came back.
    expect(successes.map((result) => result.storefront?.id)).toEqual(['jp']);
    expect(warnings).toHaveLength(1);
  });

  it('serves MusicKit from the sandbox too (ui: musickit)', async () => {
    process.env[SANDBOX_URL_VARIABLE] = sandbox.url;
    const auth = createAuth({ ui: 'musickit' });
    const { page } = await logIn(auth, sandbox);
    expect(page.html).toContain(`src="${sandbox.musicKitScriptURL}"`);
  });

  it('points createAppleMusicClient and verifyMusicUserToken at it, each with its warning line', async () => {
    process.env[SANDBOX_URL_VARIABLE] = `${sandbox.url}/`;
    const auth = createAuth();
    const developerToken = await auth.getDeveloperToken();
    const client = createAppleMusicClient({ getDeveloperToken: () => auth.getDeveloperToken() });
    try {
      const storefront = await client.verifyMusicUserToken(sandbox.issueToken());
      expect(storefront.id).toBe('jp');
    } finally {
      await client.close();
    }
    const storefront = await verifyMusicUserToken({
      developerToken,
      musicUserToken: sandbox.issueToken(),
    });
    expect(storefront.id).toBe('jp');
    expect(warnings).toHaveLength(3);
    expect(warnings[1]).toMatch(/^apple-music-auth: createAppleMusicClient talks to the Apple/);
    expect(warnings[2]).toMatch(/^apple-music-auth: verifyMusicUserToken talks to the Apple/);
    for (const line of warnings) {
      expect(line).toContain(`sandbox at ${sandbox.url},`);
      expect(line).not.toContain(developerToken);
    }
  });

  it('lets endpoints given in the code win, and says the variable is ignored', async () => {
    process.env[SANDBOX_URL_VARIABLE] = sandbox.url;
    const auth = createAuth({
      endpoints: { authorize: other.authorizeURL, api: other.apiURL },
    });
    expect(warnings).toEqual([
      `apple-music-auth: ${SANDBOX_URL_VARIABLE} is set (${sandbox.url}) but createAppleMusicAuth ignores it: its options give endpoints.authorize, endpoints.api, which win.`,
    ]);
    const { config, successes } = await logIn(auth, other);
    expect(config.authorizeURL).toBe(other.authorizeURL);
    expect(successes.map((result) => result.storefront?.id)).toEqual(['gb']);

    const client = createAppleMusicClient({
      apiURL: other.apiURL,
      getDeveloperToken: () => auth.getDeveloperToken(),
    });
    try {
      expect((await client.verifyMusicUserToken(other.issueToken())).id).toBe('gb');
    } finally {
      await client.close();
    }
  });

  it('still checks endpoints given in the code', () => {
    process.env[SANDBOX_URL_VARIABLE] = sandbox.url;
    expectInvalidOptions(
      () => createAuth({ endpoints: { api: 'http://api.example' } }),
      /`endpoints\.api`: must use https/,
    );
  });

  it('counts an empty value as unset', () => {
    process.env[SANDBOX_URL_VARIABLE] = '';
    const auth = createAuth({ ui: 'musickit' });
    expect(warnings).toEqual([]);
    return auth.handleLogin(new Request(`${ORIGIN}/auth/apple-music`)).then(async (response) => {
      const html = await response.text();
      expect(html).toContain(`src="${APPLE_ENDPOINTS.musicKitScript}"`);
      expect(html).not.toContain(sandbox.url);
    });
  });
});

describe('refusals', () => {
  it('refuses it when NODE_ENV is production, saying to unset it', () => {
    process.env[SANDBOX_URL_VARIABLE] = sandbox.url;
    process.env.NODE_ENV = 'production';
    const unset =
      /^Invalid environment variable `APPLE_MUSIC_SANDBOX_URL`: .*production.*unset APPLE_MUSIC_SANDBOX_URL/;
    expectInvalidOptions(() => createAuth(), unset);
    expectInvalidOptions(
      () => createAppleMusicClient({ getDeveloperToken: () => Promise.resolve('token') }),
      unset,
    );
    expect(warnings).toEqual([]);
  });

  it.each([
    ['http on a host that is not loopback', 'http://sandbox.example:8787', /must use https/],
    ['not a URL', '127.0.0.1:8787', /must be an absolute http\(s\) URL/],
    ['a query', `http://127.0.0.1:8787/?key=1`, /must not have a query/],
    ['credentials', 'http://user:pass@127.0.0.1:8787', /user name or password/],
  ])('refuses %s, naming the variable', (_what, value, problem) => {
    process.env[SANDBOX_URL_VARIABLE] = value;
    expectInvalidOptions(
      () => createAuth(),
      /^Invalid environment variable `APPLE_MUSIC_SANDBOX_URL`: /,
    );
    expectInvalidOptions(() => createAuth(), problem);
    expect(warnings).toEqual([]);
  });
});

describe('runtimes without a readable environment', () => {
  it('sees no sandbox when reading process.env throws (Deno without --allow-env)', async () => {
    const environment = process.env;
    process.env[SANDBOX_URL_VARIABLE] = sandbox.url;
    process.env = new Proxy(environment, {
      get() {
        throw new Error('PermissionDenied: Requires env access');
      },
    });
    let auth: AppleMusicAuth;
    try {
      auth = createAuth({ ui: 'musickit' });
    } finally {
      process.env = environment;
    }
    expect(warnings).toEqual([]);
    const html = await (await auth.handleLogin(new Request(`${ORIGIN}/auth/apple-music`))).text();
    expect(html).toContain(`src="${APPLE_ENDPOINTS.musicKitScript}"`);
  });

  it('sees no sandbox without process (Workers)', () => {
    process.env[SANDBOX_URL_VARIABLE] = sandbox.url;
    vi.stubGlobal('process', undefined);
    let client: ReturnType<typeof createAppleMusicClient>;
    try {
      client = createAppleMusicClient({
        getDeveloperToken: () => Promise.resolve('token'),
      });
    } finally {
      vi.unstubAllGlobals();
    }
    expect(warnings).toEqual([]);
    return client.close();
  });
});

describe("the sandbox's layout", () => {
  it('is what the sandbox serves at its well-known path', async () => {
    const response = await fetch(`${sandbox.url}${SANDBOX_DESCRIPTION_PATH}`);
    expect(response.status).toBe(200);
    const served = (await response.json()) as SandboxDescription;
    const derived = sandboxEndpoints(sandbox.url);
    expect({
      url: derived.url,
      authorizeURL: derived.authorize,
      apiURL: derived.api,
      musicKitScriptURL: derived.musicKitScript,
    }).toEqual({
      url: served.url,
      authorizeURL: served.authorizeURL,
      apiURL: served.apiURL,
      musicKitScriptURL: served.musicKitScriptURL,
    });
    expect(served).toMatchObject({
      url: sandbox.url,
      authorizeURL: sandbox.authorizeURL,
      apiURL: sandbox.apiURL,
      musicKitScriptURL: sandbox.musicKitScriptURL,
      authorizeOrigin: sandbox.authorizeOrigin,
      teamId: keys.teamId,
      keyId: keys.keyId,
      publicKey: keys.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    });
  });
});
