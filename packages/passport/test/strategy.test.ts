import { Readable } from 'node:stream';
import { type Sandbox, startSandbox } from '@apple-music-auth/sandbox';
import { HttpResponse, http } from 'msw';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  Strategy,
  type StrategyOptions,
  type StrategyOptionsWithoutRequest,
  type VerifyFunction,
} from '../src/index.js';
import { keyId, publicKey, sandboxOptions, teamId } from './support/fixtures.js';
import { postCallback, runStrategy, startLogin } from './support/strategy-harness.js';

let sandbox: Sandbox;
const strategies: Strategy[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ teamId, keyId, publicKey, outcome: 'allow' });
});
afterAll(async () => {
  await Promise.all(strategies.map((strategy) => strategy.auth.close()));
  await sandbox.close();
});

/** A strategy against the sandbox; the verify's shape is what each test is about. */
function strategyWith(
  verify: (...args: never[]) => unknown,
  extra: Partial<StrategyOptions> = {},
): Strategy {
  // The harness's requests are made to https://app.example.
  const options = sandboxOptions(sandbox, {
    appOrigins: ['https://app.example'],
    ...extra,
  }) as StrategyOptionsWithoutRequest;
  const strategy = new Strategy(options, verify as VerifyFunction);
  strategies.push(strategy);
  return strategy;
}

/** Logs in with a fresh sandbox token; returns the token and what the strategy did. */
async function login(strategy: Strategy, fields: Record<string, string> = {}) {
  const { state, cookie } = await startLogin(strategy);
  const token = sandbox.issueToken();
  const run = await postCallback(
    strategy,
    { state, music_user_token: token, restricted: '0', ...fields },
    cookie,
  );
  return { token, ...run };
}

const clearsStateCookie = (cookies: string[] | undefined) =>
  expect(cookies).toEqual([expect.stringMatching(/^__Host-apple_music_auth_state=;.*Max-Age=0/)]);

describe('the login page', () => {
  it('renders the bridge page on req.res for a GET, with the state cookie, and redirects nowhere', async () => {
    const strategy = strategyWith(() => undefined);
    const { outcome, res } = await runStrategy(strategy, {
      url: '/auth/apple-music?returnTo=%2Flibrary',
    });
    expect(outcome).toEqual({ action: 'rendered' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['content-security-policy']).toMatch(/script-src[^;]*'nonce-/);
    expect(res.setCookies).toEqual([expect.stringMatching(/^__Host-apple_music_auth_state=\w/)]);
    expect(res.body).toContain('Continue with Apple Music');
    expect(res.body).toContain('"ui":"popup"');
  });

  it("takes ui: 'musickit' from the authenticate options", async () => {
    const strategy = strategyWith(() => undefined);
    const { res } = await runStrategy(strategy, {}, { ui: 'musickit' });
    expect(res.body).toContain('"ui":"musickit"');
  });

  it('shows the failure page for ?error=<code>', async () => {
    const strategy = strategyWith(() => undefined);
    const { res } = await runStrategy(strategy, {
      url: '/auth/apple-music?error=ERR_ACCESS_DENIED',
    });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('ERR_ACCESS_DENIED');
  });

  it('ends in error() when there is no req.res to write on', async () => {
    const strategy = strategyWith(() => undefined);
    const { outcome } = await runStrategy(strategy, { noResponse: true });
    expect(outcome).toMatchObject({
      action: 'error',
      error: {
        code: 'ERR_INVALID_OPTIONS',
        message: expect.stringContaining(
          '`req.res`: the strategy writes the login page on req.res: use it from Express.',
        ),
      },
    });
  });
});

describe('faults on the way', () => {
  it('ends in error() when writing the page throws (headers already sent)', async () => {
    const strategy = strategyWith(() => undefined);
    const sent = new Error('Cannot set headers after they are sent to the client');
    const req = {
      method: 'GET',
      url: '/auth/apple-music',
      originalUrl: '/auth/apple-music',
      headers: { host: 'app.example' },
      socket: { encrypted: true },
      res: {
        setHeader: () => {
          throw sent;
        },
        appendHeader: () => undefined,
        end: () => undefined,
      },
    };
    const error = await new Promise<Error>((resolve) => {
      const actor = Object.assign(Object.create(strategy) as Strategy, { error: resolve });
      actor.authenticate(req as never);
    });
    expect(error).toBe(sent);
  });
});

describe('verify, chosen by arity', () => {
  it('(accessToken, refreshToken, profile, done): the Music User Token, no refresh token, a profile without id', async () => {
    const verify = vi.fn(
      (
        _at: string,
        _rt: undefined,
        _profile: unknown,
        done: (e: null, u: object, i: object) => void,
      ) => done(null, { id: 'user-1' }, { note: 'hi' }),
    );
    const { token, outcome, res } = await login(strategyWith(verify));
    expect(outcome).toEqual({ action: 'success', user: { id: 'user-1' }, info: { note: 'hi' } });
    const [accessToken, refreshToken, profile] = verify.mock.calls[0] ?? [];
    expect(accessToken).toBe(token);
    expect(refreshToken).toBeUndefined();
    expect(profile).toEqual({
      provider: 'apple-music',
      storefront: expect.objectContaining({ id: 'us' }),
      restricted: false,
      developerToken: expect.stringMatching(/^ey/),
      expiresIn: expect.any(Number),
    });
    expect(profile).not.toHaveProperty('id');
    // The default 180-day developer token, counted in seconds from now.
    expect((profile as { expiresIn: number }).expiresIn).toBeGreaterThan(179 * 24 * 3600);
    expect((profile as { expiresIn: number }).expiresIn).toBeLessThanOrEqual(180 * 24 * 3600);
    clearsStateCookie(res.setCookiesAtAction);
  });

  it('(accessToken, refreshToken, params, profile, done): params is the LoginResult', async () => {
    const verify = vi.fn(
      (
        _at: string,
        _rt: undefined,
        params: { musicUserToken: string },
        _profile: unknown,
        done: (e: null, u: object) => void,
      ) => done(null, { token: params.musicUserToken }),
    );
    const { token, outcome } = await login(strategyWith(verify));
    expect(outcome).toMatchObject({ action: 'success', user: { token } });
    const [, , params, profile] = verify.mock.calls[0] ?? [];
    expect(params).toMatchObject({ musicUserToken: token, restricted: false, returnTo: undefined });
    expect(profile).toMatchObject({
      provider: 'apple-music',
      developerToken: (params as unknown as { developerToken: string }).developerToken,
    });
  });

  it('(req, accessToken, refreshToken, profile, done) with passReqToCallback', async () => {
    const verify = vi.fn(
      (
        req: { method: string },
        accessToken: string,
        _rt: undefined,
        _p: unknown,
        done: (e: null, u: object) => void,
      ) => done(null, { method: req.method, accessToken }),
    );
    const { token, outcome } = await login(strategyWith(verify, { passReqToCallback: true }));
    expect(outcome).toMatchObject({
      action: 'success',
      user: { method: 'POST', accessToken: token },
    });
  });

  it('(req, accessToken, refreshToken, params, profile, done) with passReqToCallback', async () => {
    const verify = vi.fn(
      (
        req: { method: string },
        _at: string,
        _rt: undefined,
        params: { restricted: boolean },
        profile: { provider: string },
        done: (e: null, u: object) => void,
      ) =>
        done(null, {
          method: req.method,
          restricted: params.restricted,
          provider: profile.provider,
        }),
    );
    const { outcome } = await login(strategyWith(verify, { passReqToCallback: true }), {
      restricted: '1',
    });
    expect(outcome).toMatchObject({
      action: 'success',
      user: { method: 'POST', restricted: true, provider: 'apple-music' },
    });
  });

  it('takes the user an async verify returns', async () => {
    const { outcome } = await login(strategyWith(async () => ({ id: 'async-user' })));
    expect(outcome).toMatchObject({ action: 'success', user: { id: 'async-user' } });
  });

  it('takes the user a callback-style verify passes to done on a later tick', async () => {
    const verify = (
      _a: string,
      _r: undefined,
      _p: unknown,
      done: (e: null, user: object) => void,
    ): void => {
      setTimeout(() => done(null, { id: 'later-user' }), 5);
    };
    const { outcome } = await login(strategyWith(verify));
    expect(outcome).toMatchObject({ action: 'success', user: { id: 'later-user' } });
  });

  it('waits for done when an async verify resolves nothing, or a verify returns a value that is not a promise', async () => {
    const later = (done: (e: null, user: object) => void, id: string) =>
      setTimeout(() => done(null, { id }), 5);
    for (const [verify, id] of [
      [
        async (_a: string, _r: undefined, _p: unknown, done: (e: null, user: object) => void) => {
          later(done, 'resolved-nothing');
        },
        'resolved-nothing',
      ],
      [
        (_a: string, _r: undefined, _p: unknown, done: (e: null, user: object) => void) => {
          later(done, 'returned-a-value');
          return { not: 'a promise' };
        },
        'returned-a-value',
      ],
    ] as const) {
      const { outcome } = await login(strategyWith(verify));
      expect(outcome).toMatchObject({ action: 'success', user: { id } });
    }
  });

  it('fails with the info when verify finds no user', async () => {
    const { outcome } = await login(
      strategyWith(
        (_a: string, _r: undefined, _p: unknown, done: (e: null, u: false, i: object) => void) =>
          done(null, false, { message: 'unknown account' }),
      ),
    );
    expect(outcome).toEqual({
      action: 'fail',
      challenge: { message: 'unknown account' },
      status: 401,
    });
  });

  it('settles once when verify calls done twice, or calls done and also returns a user', async () => {
    for (const verify of [
      (_a: string, _r: undefined, _p: unknown, done: (e: null, user: object) => void) => {
        done(null, { first: true });
        done(null, { second: true });
      },
      async (_a: string, _r: undefined, _p: unknown, done: (e: null, user: object) => void) => {
        done(null, { first: true });
        return { second: true };
      },
    ]) {
      const strategy = strategyWith(verify);
      const { state, cookie } = await startLogin(strategy);
      const actions: string[] = [];
      const req = Object.assign(
        Readable.from([
          new URLSearchParams({
            state,
            music_user_token: sandbox.issueToken(),
            restricted: '0',
          }).toString(),
        ]),
        {
          method: 'POST',
          url: '/auth/apple-music/callback',
          originalUrl: '/auth/apple-music/callback',
          headers: {
            host: 'app.example',
            cookie,
            'content-type': 'application/x-www-form-urlencoded',
          },
          socket: { encrypted: true },
          res: { appendHeader: () => undefined },
        },
      );
      await new Promise<void>((resolve) => {
        const actor = Object.assign(Object.create(strategy) as Strategy, {
          success: (user: object) => {
            actions.push(JSON.stringify(user));
            setTimeout(resolve, 50);
          },
          error: (error: Error) => {
            actions.push(`error ${error.message}`);
            resolve();
          },
        });
        actor.authenticate(req as never);
      });
      expect(actions).toEqual(['{"first":true}']);
    }
  });

  it('ends in error() when verify throws, or its promise rejects', async () => {
    const thrown = new Error('database down');
    for (const verify of [
      () => {
        throw thrown;
      },
      async () => {
        throw thrown;
      },
      (_a: string, _r: undefined, _p: unknown, done: (e: Error) => void) => done(thrown),
    ]) {
      const { outcome } = await login(strategyWith(verify));
      expect(outcome).toEqual({ action: 'error', error: thrown });
    }
  });
});

describe('login outcomes', () => {
  for (const [error, code] of [
    ['access_denied', 'ERR_ACCESS_DENIED'],
    ['unavailable', 'ERR_UNAVAILABLE'],
    ['cancelled', 'ERR_CANCELLED'],
  ] as const) {
    it(`fails ${error} with 401 and { message, code: ${code} }, clearing the state cookie first`, async () => {
      const verify = vi.fn();
      const strategy = strategyWith(verify);
      const { state, cookie } = await startLogin(strategy);
      const { outcome, res } = await postCallback(strategy, { state, error }, cookie);
      expect(outcome).toEqual({
        action: 'fail',
        challenge: { message: expect.any(String), code },
        status: 401,
      });
      clearsStateCookie(res.setCookiesAtAction);
      expect(verify).not.toHaveBeenCalled();
    });
  }

  it('fails a state failure with 403', async () => {
    const verify = vi.fn();
    const strategy = strategyWith(verify);
    const { state } = await startLogin(strategy);
    const { outcome, res } = await postCallback(
      strategy,
      { state, music_user_token: sandbox.issueToken() },
      '',
    );
    expect(outcome).toMatchObject({
      action: 'fail',
      challenge: { code: 'ERR_STATE_MISSING' },
      status: 403,
    });
    clearsStateCookie(res.setCookiesAtAction);
    expect(verify).not.toHaveBeenCalled();
  });

  it('fails a malformed callback with its own status', async () => {
    const strategy = strategyWith(vi.fn());
    const { state, cookie } = await startLogin(strategy);
    const { outcome } = await postCallback(strategy, { state }, cookie);
    expect(outcome).toMatchObject({
      action: 'fail',
      challenge: { code: 'ERR_CALLBACK_INVALID' },
      status: 400,
    });
  });

  it('fails a callback made to an origin not in appOrigins with 400, before verify', async () => {
    const verify = vi.fn();
    const strategy = strategyWith(verify);
    const { state, cookie } = await startLogin(strategy);
    const { outcome } = await runStrategy(strategy, {
      method: 'POST',
      url: '/auth/apple-music/callback',
      headers: {
        host: 'evil.example',
        'content-type': 'application/x-www-form-urlencoded',
        cookie,
      },
      body: new URLSearchParams({ state, music_user_token: sandbox.issueToken() }).toString(),
    });
    expect(outcome).toMatchObject({
      action: 'fail',
      challenge: { code: 'ERR_ORIGIN_NOT_ALLOWED' },
      status: 400,
    });
    expect(verify).not.toHaveBeenCalled();
  });

  it("ends Apple's refusal of the token in error(TokenError)", async () => {
    const verify = vi.fn();
    const strategy = strategyWith(verify);
    const { state, cookie } = await startLogin(strategy);
    const token = sandbox.issueToken();
    sandbox.revokeToken(token);
    const { outcome, res } = await postCallback(
      strategy,
      { state, music_user_token: token },
      cookie,
    );
    expect(outcome).toMatchObject({
      action: 'error',
      error: { name: 'TokenError', code: 'ERR_USER_TOKEN_REJECTED' },
    });
    clearsStateCookie(res.setCookiesAtAction);
    expect(verify).not.toHaveBeenCalled();
  });

  it('ends an Apple fault in error() with the upstream code', async () => {
    sandbox.use(http.get('*/v1/me/storefront', () => new HttpResponse('oops', { status: 500 })));
    try {
      const { outcome } = await login(strategyWith(vi.fn()));
      expect(outcome).toMatchObject({
        action: 'error',
        error: { code: 'ERR_UPSTREAM', status: 502 },
      });
    } finally {
      sandbox.resetHandlers();
    }
  });

  it('keeps the pending login in req.session in session mode, single use', async () => {
    const strategy = strategyWith(async () => ({ id: 'u' }), { state: true });
    const session: Record<string, unknown> = {};
    const runPage = await runStrategy(strategy, { session });
    expect(runPage.res.setCookies).toEqual([]);
    const { state } = await startLogin(strategy, { session });
    const fields = { state, music_user_token: sandbox.issueToken() };
    expect((await postCallback(strategy, fields, '', session)).outcome.action).toBe('success');
    const replay = await postCallback(strategy, fields, '', session);
    expect(replay.outcome).toMatchObject({
      action: 'fail',
      challenge: { code: 'ERR_STATE_REPLAYED' },
      status: 403,
    });
  });

  it('without a session middleware, session mode says so: a 500 page at login, error() at the callback', async () => {
    const strategy = strategyWith(vi.fn(), { state: true });
    const page = await runStrategy(strategy, {});
    expect(page.res.statusCode).toBe(500);
    expect(page.res.body).toContain('ERR_INVALID_OPTIONS');
    const { outcome } = await postCallback(strategy, { state: 'x', music_user_token: 'y' }, '');
    expect(outcome).toMatchObject({
      action: 'error',
      error: {
        code: 'ERR_INVALID_OPTIONS',
        message: expect.stringContaining('session middleware'),
      },
    });
  });
});
