// A login and a callback through handleLogin/handleCallback on web-standard
// APIs only, as a Bun, Deno or Workers app would run them. The runtime tests
// run it inside each runtime against core's built dist and a sandbox on
// loopback, so it imports nothing but core's types.
import type * as Core from '../../src/index.js';

/** What the flow needs from the test that starts the sandbox. */
export interface LoginFlowConfig {
  /** The Team ID the sandbox checks developer tokens for. */
  teamId: string;
  /** The Key ID the sandbox checks developer tokens for. */
  keyId: string;
  /** The sandbox's key as PKCS #8 PEM text. */
  privateKey: string;
  /** The sandbox's `authorizeURL`. */
  authorizeURL: string;
  /** The sandbox's `apiURL`, which checks the user token. */
  apiURL: string;
  /** A Music User Token the sandbox issued. */
  musicUserToken: string;
}

/** What the flow saw, for the test to check. */
export interface LoginFlowReport {
  /** The status of `handleLogin`'s answer. */
  loginStatus: number;
  /** Whether the login page carried the sandbox's popup URL. */
  pageNamesAuthorizeURL: boolean;
  /** The status of `handleCallback`'s answer. */
  callbackStatus: number;
  /** The storefront Apple (the sandbox) gave for the token, from `onSuccess`. */
  storefront: string | undefined;
  /** Whether the login result carried the very token the browser posted. */
  sameToken: boolean;
}

const APP = 'https://app.example';

/** Runs one login and its callback with `core`, the package's main entry. */
export async function runLoginFlow(
  core: typeof Core,
  config: LoginFlowConfig,
): Promise<LoginFlowReport> {
  const auth = core.createAppleMusicAuth({
    teamId: config.teamId,
    keyId: config.keyId,
    privateKey: config.privateKey,
    callbackURL: `${APP}/auth/apple-music/callback`,
    stateSecret: 'a-state-secret-for-the-runtime-tests-only',
    endpoints: { authorize: config.authorizeURL, api: config.apiURL },
  });
  try {
    const page = await auth.handleLogin(new Request(`${APP}/auth/apple-music`));
    const html = await page.text();
    const state = /"state":"([^"]+)"/.exec(html)?.[1];
    if (state === undefined) throw new Error(`no state in the login page (${page.status})`);
    const cookie = page.headers
      .getSetCookie()
      .map((line) => line.split(';')[0])
      .join('; ');
    const callback = await auth.handleCallback(
      new Request(`${APP}/auth/apple-music/callback`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
        body: new URLSearchParams({
          state,
          music_user_token: config.musicUserToken,
          restricted: '0',
        }),
      }),
      {
        onSuccess: (result) =>
          Response.json({
            storefront: result.storefront?.id,
            sameToken: result.musicUserToken === config.musicUserToken,
          }),
        onError: (error) => Response.json({ error: error.code }, { status: error.status }),
      },
    );
    const outcome = (await callback.json()) as { storefront?: string; sameToken?: boolean };
    return {
      loginStatus: page.status,
      pageNamesAuthorizeURL: html.includes(config.authorizeURL),
      callbackStatus: callback.status,
      storefront: outcome.storefront,
      sameToken: outcome.sameToken === true,
    };
  } finally {
    await auth.close();
  }
}
