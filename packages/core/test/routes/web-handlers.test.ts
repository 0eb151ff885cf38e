import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { parseSetCookie } from 'cookie';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type AppleMusicAuth,
  AppleMusicAuthError,
  type AppleMusicAuthOptions,
  AuthorizationError,
  createAppleMusicAuth,
  type LoginResult,
  MAX_CALLBACK_BODY_BYTES,
  type SessionAccess,
  TokenError,
} from '../../src/index.js';
import { toResponse } from '../../src/routes/web-handlers.js';
import { fakeSession } from '../support/session.js';

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ORIGIN = 'https://app.example';
const LOGIN_URL = `${ORIGIN}/auth/apple-music`;
const CALLBACK_URL = `${ORIGIN}/auth/apple-music/callback`;
const FORM = 'application/x-www-form-urlencoded';

const instances: AppleMusicAuth[] = [];
afterAll(async () => {
  await Promise.all(instances.map((auth) => auth.close()));
});

/**
 * An instance that never calls Apple (`verifyUserToken: false`): these tests
 * are about the web-standard routes, not about Apple's answers.
 */
function createAuth(extra: Partial<AppleMusicAuthOptions> = {}): AppleMusicAuth {
  const auth = createAppleMusicAuth({
    teamId: 'TEAM123456',
    keyId: 'KEY1234567',
    privateKey,
    callbackURL: CALLBACK_URL,
    stateSecret: 'a-state-secret-that-is-long-enough-for-hmac',
    verifyUserToken: false,
    ...extra,
  });
  instances.push(auth);
  return auth;
}

const auth = createAuth();

/** A Music User Token shaped like Apple's (base64 with `+`, `/` and `=`). */
function fakeMusicUserToken(): string {
  return randomBytes(120).toString('base64');
}

/** The state the bridge page embeds. */
async function stateOf(response: Response): Promise<string> {
  const match =
    /<script type="application\/json" id="apple-music-auth-config"[^>]*>([^<]*)<\/script>/.exec(
      await response.text(),
    );
  if (match?.[1] === undefined) throw new Error('no config block in the bridge page');
  return (JSON.parse(match[1]) as { state: string }).state;
}

/** The `Cookie` header a browser would send back after `response`. */
function cookieFrom(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((line) => parseSetCookie(line))
    .map(({ name, value }) => `${name}=${value ?? ''}`)
    .join('; ');
}

/** Runs the login route and returns what the browser keeps: the state and the cookie. */
async function login(
  target: AppleMusicAuth = auth,
  query = '',
  session?: SessionAccess,
): Promise<{ state: string; cookie: string }> {
  const response = await target.handleLogin(
    new Request(`${LOGIN_URL}${query}`),
    session ? { session } : {},
  );
  expect(response.status).toBe(200);
  const cookie = cookieFrom(response);
  return { state: await stateOf(response), cookie };
}

/** A callback request whose form body arrives as a stream. */
function streamedCallback(
  stream: ReadableStream<Uint8Array>,
  headers: Record<string, string> = {},
) {
  return new Request(CALLBACK_URL, {
    method: 'POST',
    headers: { 'content-type': FORM, ...headers },
    body: stream,
    duplex: 'half',
  } as RequestInit);
}

/** The callback request the bridge page's form makes. */
function callbackRequest(fields: Record<string, string>, cookie?: string): Request {
  return new Request(CALLBACK_URL, {
    method: 'POST',
    headers: { 'content-type': FORM, ...(cookie ? { cookie } : {}) },
    body: new URLSearchParams(fields),
  });
}

/** A request body that counts how many chunks were pulled from it. */
function countingStream(chunkSize: number, chunks: number) {
  const counter = { pulls: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        counter.pulls += 1;
        if (counter.pulls > chunks) controller.close();
        else controller.enqueue(new Uint8Array(chunkSize).fill(0x61));
      },
      cancel() {
        counter.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, counter };
}

function expectClearingCookie(response: Response): void {
  const clearing = response.headers
    .getSetCookie()
    .map((line) => parseSetCookie(line))
    .find(({ name }) => name === '__Host-apple_music_auth_state');
  expect(clearing).toMatchObject({ value: '', maxAge: 0, path: '/' });
}

/** The status of the typed error a callback fails with, as `onError` sees it. */
async function failureStatus(request: Request): Promise<number> {
  let status = 0;
  await auth.handleCallback(request, {
    onError: (error) => {
      status = error.status;
      return new Response(null, { status: 204 });
    },
  });
  return status;
}

/**
 * The default failure answer: a 303 to the login route's failure page (no
 * POST left in history), which answers `status` and names `code`.
 */
async function expectFailurePage(
  response: Response,
  status: number,
  code: string,
  target: AppleMusicAuth = auth,
): Promise<string> {
  expect(response.status).toBe(303);
  expect(response.headers.get('cache-control')).toBe('no-store');
  const location = response.headers.get('location') ?? '';
  expect(location.startsWith(`/auth/apple-music?error=${code}`)).toBe(true);
  const page = await target.handleLogin(new Request(new URL(location, ORIGIN)));
  expect(page.status).toBe(status);
  expect(page.headers.getSetCookie()).toEqual([]);
  const html = await page.text();
  expect(html).toContain(code);
  return html;
}

describe('handleLogin', () => {
  it.each(['POST', 'PUT', 'DELETE'])(
    'answers %s with 405 and Allow, issuing no state',
    async (method) => {
      const response = await auth.handleLogin(new Request(LOGIN_URL, { method }));
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('GET, HEAD');
      expect(response.headers.getSetCookie()).toEqual([]);
    },
  );

  it('answers GET with the bridge page and the state cookie', async () => {
    const response = await auth.handleLogin(new Request(LOGIN_URL));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(response.headers.getSetCookie()).toHaveLength(1);
    expect(await stateOf(response)).not.toBe('');
  });

  it('answers HEAD with the headers and no body', async () => {
    const response = await auth.handleLogin(new Request(LOGIN_URL, { method: 'HEAD' }));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.getSetCookie()).toHaveLength(1);
    expect(response.body).toBeNull();
  });

  it('answers an off-site returnTo with the 400 error page', async () => {
    const response = await auth.handleLogin(
      new Request(`${LOGIN_URL}?returnTo=${encodeURIComponent('https://evil.example/')}`),
    );
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('ERR_INVALID_RETURN_TO');
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it.each([
    ['twice', '?returnTo=%2Fa&returnTo=%2Fb'],
    ['as an absolute URL', `?returnTo=${encodeURIComponent('https://evil.example/')}`],
  ])('refuses a returnTo given %s with 400 ERR_INVALID_RETURN_TO', async (_what, query) => {
    const response = await auth.handleLogin(new Request(`${LOGIN_URL}${query}`));
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('ERR_INVALID_RETURN_TO');
  });
});

describe('handleCallback: requests it refuses before reading the form', () => {
  it.each(['GET', 'HEAD', 'PUT'])('answers %s with 405 and Allow: POST', async (method) => {
    const response = await auth.handleCallback(new Request(CALLBACK_URL, { method }));
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });

  it('answers a body declared over 16 KiB with 413 without reading it', async () => {
    const { stream, counter } = countingStream(1024, 64);
    const response = await auth.handleCallback(
      streamedCallback(stream, { 'content-length': String(MAX_CALLBACK_BODY_BYTES + 1) }),
    );
    expect(response.status).toBe(303);
    await expectFailurePage(response, 400, 'ERR_CALLBACK_INVALID');
    const declared = { 'content-length': String(MAX_CALLBACK_BODY_BYTES + 1) };
    expect(await failureStatus(streamedCallback(countingStream(1024, 64).stream, declared))).toBe(
      413,
    );
    expect(counter.pulls).toBe(0);
    expectClearingCookie(response);
  });

  it('stops reading a streamed body without content-length once it passes 16 KiB', async () => {
    const chunkSize = 1024;
    const { stream, counter } = countingStream(chunkSize, 1000);
    expect(await failureStatus(streamedCallback(stream))).toBe(413);
    expect(counter.pulls).toBeLessThanOrEqual(MAX_CALLBACK_BODY_BYTES / chunkSize + 2);
    expect(counter.cancelled).toBe(true);
  });

  it('reads a body of exactly 16 KiB (it then fails as a form, not as too large)', async () => {
    const { stream } = countingStream(1024, MAX_CALLBACK_BODY_BYTES / 1024);
    expect(await failureStatus(streamedCallback(stream))).toBe(400);
  });

  it('answers a body that is not UTF-8 with 400', async () => {
    const { state, cookie } = await login();
    const form = new TextEncoder().encode(`state=${state}&music_user_token=abc`);
    const body = new Uint8Array([...form, 0xff, 0xfe]);
    const request = () =>
      new Request(CALLBACK_URL, {
        method: 'POST',
        headers: { 'content-type': FORM, cookie },
        body,
      });
    const response = await auth.handleCallback(request());
    await expectFailurePage(response, 400, 'ERR_CALLBACK_INVALID');
    expectClearingCookie(response);

    let message = '';
    await auth.handleCallback(request(), {
      onError: (error) => {
        message = error.message;
        return new Response(null, { status: 400 });
      },
    });
    expect(message).toContain('UTF-8');
  });
});

describe('handleCallback: outcomes', () => {
  it('by default answers 303 to returnTo, with no-store and the clearing cookie', async () => {
    const { state, cookie } = await login(auth, '?returnTo=%2Flibrary%3Ftab%3Drecent');
    const response = await auth.handleCallback(
      callbackRequest({ music_user_token: fakeMusicUserToken(), restricted: '0', state }, cookie),
    );
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/library?tab=recent');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expectClearingCookie(response);
  });

  it("by default answers 303 to '/' without returnTo", async () => {
    const { state, cookie } = await login();
    const response = await auth.handleCallback(
      callbackRequest({ music_user_token: fakeMusicUserToken(), restricted: '0', state }, cookie),
    );
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/');
  });

  it("uses onSuccess's Response, with the clearing cookie added to its own", async () => {
    const { state, cookie } = await login(auth, '?returnTo=%2Fhome');
    const musicUserToken = fakeMusicUserToken();
    const seen: { result?: LoginResult; request?: Request } = {};
    const request = callbackRequest(
      { music_user_token: musicUserToken, restricted: '1', state },
      cookie,
    );
    const response = await auth.handleCallback(request, {
      onSuccess: async (result, req) => {
        seen.result = result;
        seen.request = req;
        return new Response('welcome', {
          status: 201,
          headers: { 'set-cookie': 'sid=abc; Path=/; HttpOnly', 'x-app': 'yes' },
        });
      },
    });
    expect(seen.request).toBe(request);
    expect(seen.result).toMatchObject({
      musicUserToken,
      restricted: true,
      returnTo: '/home',
      storefront: undefined,
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-app')).toBe('yes');
    expect(await response.text()).toBe('welcome');
    const cookies = response.headers.getSetCookie();
    expect(cookies).toHaveLength(2);
    expect(cookies[0]).toBe('sid=abc; Path=/; HttpOnly');
    expectClearingCookie(response);
  });

  it('adds the clearing cookie to a Response.redirect, whose headers are immutable', async () => {
    const { state, cookie } = await login();
    const response = await auth.handleCallback(
      callbackRequest({ music_user_token: fakeMusicUserToken(), restricted: '0', state }, cookie),
      { onSuccess: () => Response.redirect(`${ORIGIN}/welcome`, 302) },
    );
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(`${ORIGIN}/welcome`);
    expectClearingCookie(response);
  });

  it('hands onError the typed error and uses its Response, with the clearing cookie', async () => {
    const { state, cookie } = await login();
    const errors: AppleMusicAuthError[] = [];
    const response = await auth.handleCallback(
      callbackRequest({ error: 'access_denied', state }, cookie),
      {
        onSuccess: () => {
          throw new Error('onSuccess must not run for a declined login');
        },
        onError: (error) => {
          errors.push(error);
          return Response.json({ code: error.code }, { status: 409 });
        },
      },
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(AuthorizationError);
    expect(errors[0]?.code).toBe('ERR_ACCESS_DENIED');
    expect(response.status).toBe(409);
    expect(await response.json()).toEqual({ code: 'ERR_ACCESS_DENIED' });
    expectClearingCookie(response);
  });

  it('hands onError a state error too (no cookie sent)', async () => {
    const { state } = await login();
    let code: string | undefined;
    const response = await auth.handleCallback(
      callbackRequest({ music_user_token: fakeMusicUserToken(), restricted: '0', state }),
      {
        onError: (error) => {
          code = error.code;
          return new Response(null, { status: 302, headers: { location: '/login?failed=1' } });
        },
      },
    );
    expect(code).toBe('ERR_STATE_MISSING');
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/login?failed=1');
    expectClearingCookie(response);
  });

  it('answers a failure with a 303 to the failure page by default, which offers Try again', async () => {
    const { state } = await login();
    const response = await auth.handleCallback(
      callbackRequest({ music_user_token: fakeMusicUserToken(), restricted: '0', state }),
    );
    await expectFailurePage(response, 400, 'ERR_STATE_MISSING');
    expectClearingCookie(response);
  });

  it("keeps the login's returnTo for Try again when the user declined", async () => {
    const { state, cookie } = await login(auth, '?returnTo=%2Flibrary');
    const response = await auth.handleCallback(
      callbackRequest({ error: 'access_denied', state }, cookie),
    );
    expect(response.headers.get('location')).toBe(
      '/auth/apple-music?error=ERR_ACCESS_DENIED&returnTo=%2Flibrary',
    );
    const html = await expectFailurePage(response, 403, 'ERR_ACCESS_DENIED');
    expect(html).toContain('href="/auth/apple-music?returnTo=%2Flibrary"');
  });

  it('sends the failure page for an error that onSuccess throws, keeping the clearing cookie', async () => {
    const { state, cookie } = await login(auth, '?returnTo=%2Fhome');
    const response = await auth.handleCallback(
      callbackRequest({ music_user_token: fakeMusicUserToken(), restricted: '0', state }, cookie),
      {
        onSuccess: () => {
          throw new TokenError('ERR_USER_TOKEN_REJECTED', 'revoked');
        },
      },
    );
    await expectFailurePage(response, 401, 'ERR_USER_TOKEN_REJECTED');
    expect(response.headers.get('location')).toContain('returnTo=%2Fhome');
    expectClearingCookie(response);
  });

  it('shows no failure page for an unknown ?error= value: the bridge page instead', async () => {
    const response = await auth.handleLogin(new Request(`${LOGIN_URL}?error=ERR_NOPE`));
    expect(response.status).toBe(200);
    expect(await stateOf(response)).not.toBe('');
  });

  it.each(['ERR_INVALID_OPTIONS', 'ERR_INVALID_KEY', 'ERR_INVALID_RETURN_TO'])(
    'shows no failure page for ?error=%s, which no callback ends with: the bridge page instead',
    async (code) => {
      const response = await auth.handleLogin(new Request(`${LOGIN_URL}?error=${code}`));
      expect(response.status).toBe(200);
      expect(await stateOf(response)).not.toBe('');
    },
  );

  it('answers a code no callback ends with, thrown by onSuccess, with its failure page at once', async () => {
    const { state, cookie } = await login(auth, '?returnTo=%2Fhome');
    const response = await auth.handleCallback(
      callbackRequest({ music_user_token: fakeMusicUserToken(), restricted: '0', state }, cookie),
      {
        onSuccess: () => {
          throw new AppleMusicAuthError('ERR_INVALID_OPTIONS', 'the app misconfigured something');
        },
      },
    );
    expect(response.status).toBe(500);
    expect(response.headers.get('location')).toBeNull();
    expect(response.headers.get('cache-control')).toBe('no-store');
    const html = await response.text();
    expect(html).toContain('ERR_INVALID_OPTIONS');
    expect(html).not.toContain('misconfigured');
    expect(html).toContain('href="/auth/apple-music?returnTo=%2Fhome"');
    expectClearingCookie(response);
  });

  it('rejects when onSuccess throws a non-library error (a bug in the app)', async () => {
    const { state, cookie } = await login();
    const bug = new TypeError('database is not connected');
    let onErrorCalls = 0;
    await expect(
      auth.handleCallback(
        callbackRequest({ music_user_token: fakeMusicUserToken(), restricted: '0', state }, cookie),
        {
          onSuccess: () => {
            throw bug;
          },
          onError: () => {
            onErrorCalls += 1;
            return new Response(null, { status: 500 });
          },
        },
      ),
    ).rejects.toBe(bug);
    expect(onErrorCalls).toBe(0);
  });
});

describe('handleLogin and handleCallback with the session store', () => {
  const sessionAuth = createAuth({ stateStore: 'session', stateSecret: undefined });

  it('passes the session through both routes, and a state works once', async () => {
    const session = fakeSession();
    const { state, cookie } = await login(sessionAuth, '?returnTo=%2Fafter', session);
    expect(cookie).toBe('');
    expect(session.entries.size).toBe(1);

    const fields = { music_user_token: fakeMusicUserToken(), restricted: '0', state };
    const response = await sessionAuth.handleCallback(callbackRequest(fields), { session });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/after');
    expect(response.headers.getSetCookie()).toEqual([]);

    const replay = await sessionAuth.handleCallback(callbackRequest(fields), { session });
    await expectFailurePage(replay, 403, 'ERR_STATE_REPLAYED', sessionAuth);
  });

  it('renews the session id once a login succeeded, before onSuccess; never after a failure', async () => {
    const events: string[] = [];
    const session = {
      ...fakeSession(),
      renewId: async () => {
        events.push('renewId');
      },
    };
    const { state } = await login(sessionAuth, '', session);
    const declined = await sessionAuth.handleCallback(
      callbackRequest({ error: 'access_denied', state }),
      { session },
    );
    expect(declined.status).toBe(303);
    const forged = await sessionAuth.handleCallback(
      callbackRequest({ music_user_token: fakeMusicUserToken(), state: 'forged' }),
      { session },
    );
    expect(forged.status).toBe(303);
    expect(events).toEqual([]);

    const next = await login(sessionAuth, '', session);
    await sessionAuth.handleCallback(
      callbackRequest({ music_user_token: fakeMusicUserToken(), state: next.state }),
      {
        session,
        onSuccess: () => {
          events.push('onSuccess');
          return new Response(null, { status: 204 });
        },
      },
    );
    expect(events).toEqual(['renewId', 'onSuccess']);
  });

  it('leaves the session alone with the cookie store: the app owns it', async () => {
    let regenerated = 0;
    const session = {
      ...fakeSession(),
      renewId: () => {
        regenerated += 1;
      },
    };
    const { state, cookie } = await login(auth, '', session);
    const response = await auth.handleCallback(
      callbackRequest({ music_user_token: fakeMusicUserToken(), state }, cookie),
      { session },
    );
    expect(response.headers.get('location')).toBe('/');
    expect(regenerated).toBe(0);
  });

  it('answers a login without a session with the 500 error page', async () => {
    const response = await sessionAuth.handleLogin(new Request(LOGIN_URL));
    expect(response.status).toBe(500);
    const body = await response.text();
    expect(body).toContain('ERR_INVALID_OPTIONS');
    expect(body).not.toContain('session middleware');
  });
});

describe('handleCallback: what it leaves alone', () => {
  it('calls no onError after a success without onSuccess', async () => {
    const { state, cookie } = await login();
    const errors: AppleMusicAuthError[] = [];
    const response = await auth.handleCallback(
      callbackRequest({ music_user_token: fakeMusicUserToken(), restricted: '0', state }, cookie),
      {
        onError: (error) => {
          errors.push(error);
          return new Response('failed', { status: 500 });
        },
      },
    );
    expect(response.status).toBe(303);
    expect(errors).toEqual([]);
  });

  it("returns onSuccess's own Response when there is no cookie to clear (session store)", async () => {
    const sessionAuth = createAuth({ stateStore: 'session', stateSecret: undefined });
    const session = fakeSession();
    const { state } = await login(sessionAuth, '', session);
    const own = new Response('welcome', { status: 201, statusText: 'Made' });
    const response = await sessionAuth.handleCallback(
      callbackRequest({ music_user_token: fakeMusicUserToken(), restricted: '0', state }),
      { session, onSuccess: () => own },
    );
    expect(response).toBe(own);
  });
});

describe('toResponse', () => {
  it('sends no body for an empty one, nor for a 304', async () => {
    const empty = toResponse({ status: 303, headers: { location: '/' }, setCookies: [], body: '' });
    expect(empty.body).toBeNull();
    const notModified = toResponse({ status: 304, headers: {}, setCookies: [], body: 'stale' });
    expect(notModified.status).toBe(304);
    expect(notModified.body).toBeNull();
  });
});
