import type { Sandbox } from '@apple-music-auth/sandbox';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import defaultExport, { type AppleMusicAuthPluginOptions, appleMusicAuth } from '../src/index.js';
import { sandboxOptions, startTestSandbox, stateSecret } from './support/scenario-app.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(() => sandbox.close());

describe('the plugin as Fastify sees it', () => {
  it('is one fastify-plugin for Fastify 5, as the default and the named export', () => {
    expect(defaultExport).toBe(appleMusicAuth);
    const meta = (appleMusicAuth as unknown as Record<symbol, unknown>)[Symbol.for('plugin-meta')];
    expect(meta).toMatchObject({ fastify: '5.x', name: '@apple-music-auth/fastify' });
    expect(
      (appleMusicAuth as unknown as Record<symbol, unknown>)[Symbol.for('skip-override')],
    ).toBe(true);
  });

  it('registers GET login and POST callback under the plugin prefix, and decorates the instance', async () => {
    const app = Fastify();
    await app.register(appleMusicAuth, { ...sandboxOptions(sandbox), prefix: '/v1' });
    await app.ready();
    expect(app.hasRoute({ method: 'GET', url: '/v1/auth/apple-music' })).toBe(true);
    expect(app.hasRoute({ method: 'POST', url: '/v1/auth/apple-music/callback' })).toBe(true);
    expect(app.appleMusic.routes).toMatchObject({
      loginPath: '/v1/auth/apple-music',
      callbackPath: '/v1/auth/apple-music/callback',
      callbackURL: undefined,
    });
    expect(typeof (await app.appleMusic.getDeveloperToken())).toBe('string');
    const failure = await app.inject({ url: '/v1/auth/apple-music?error=ERR_ACCESS_DENIED' });
    expect(failure.body).toContain('href="/v1/auth/apple-music"');
    await app.close();
  });

  it('accepts an absolute callbackURL whose path is the prefixed callback route', async () => {
    const app = Fastify();
    await app.register(appleMusicAuth, {
      ...sandboxOptions(sandbox),
      prefix: '/v1',
      callbackPath: '/apple/done',
      callbackURL: 'https://app.example/v1/apple/done',
    });
    await app.ready();
    expect(app.appleMusic.routes.callbackURL).toBe('https://app.example/v1/apple/done');
    await app.close();
  });
});

describe('the callback URL resolved per request', () => {
  it('posts to the prefixed callback path on the origin the request was made to', async () => {
    const app = Fastify();
    await app.register(appleMusicAuth, { ...sandboxOptions(sandbox), prefix: '/v1' });
    const page = await app.inject({
      url: '/v1/auth/apple-music',
      headers: { host: '127.0.0.1:8080' },
    });
    expect(page.body).toContain(
      '"callbackURL":"http://127.0.0.1:8080/v1/auth/apple-music/callback"',
    );
    await app.close();
  });

  it('reads X-Forwarded-* with trustProxy, and sets a __Host- cookie over https', async () => {
    const app = Fastify();
    await app.register(appleMusicAuth, {
      ...sandboxOptions(sandbox),
      appOrigins: ['https://app.example'],
      trustProxy: true,
    });
    const page = await app.inject({
      url: '/auth/apple-music',
      headers: { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'app.example' },
    });
    expect(page.body).toContain('"callbackURL":"https://app.example/auth/apple-music/callback"');
    expect(String(page.headers['set-cookie'])).toMatch(/^__Host-apple_music_auth_state=/);
    await app.close();
  });
});

describe('a request made to an origin that is not in appOrigins', () => {
  const tokenPath = '/auth/apple-music/developer-token';
  /** Asserts a 400 that names the code, with no state cookie and no developer token. */
  const expectNothingSigned = (answer: {
    statusCode: number;
    body: string;
    headers: Record<string, unknown>;
  }) => {
    expect(answer.statusCode).toBe(400);
    expect(answer.body).toContain('ERR_ORIGIN_NOT_ALLOWED');
    expect(answer.body).not.toMatch(/eyJ[\w-]+\.eyJ/);
    expect(answer.headers['set-cookie']).toBeUndefined();
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
  };

  it('gets nothing signed for Host: evil.example', async () => {
    const app = Fastify();
    await app.register(appleMusicAuth, {
      ...sandboxOptions(sandbox),
      appOrigins: ['https://app.example'],
    });
    const headers = { host: 'evil.example', origin: 'https://evil.example' };
    expectNothingSigned(await app.inject({ url: '/auth/apple-music', headers }));
    const token = await app.inject({ url: tokenPath, headers });
    expectNothingSigned(token);
    expect(JSON.parse(token.body).message).toContain('`appOrigins`');
    await app.close();
  });

  it('reads the X-Forwarded-Host value the nearest proxy set, not the first one', async () => {
    const app = Fastify();
    await app.register(appleMusicAuth, {
      ...sandboxOptions(sandbox),
      appOrigins: ['https://app.example'],
      trustProxy: true,
    });
    const forwarded = (host: string) => ({
      host: 'internal:8080',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': host,
    });
    expectNothingSigned(await app.inject({ url: tokenPath, headers: forwarded('evil.example') }));
    expectNothingSigned(
      await app.inject({ url: tokenPath, headers: forwarded('app.example, evil.example') }),
    );
    const page = await app.inject({
      url: '/auth/apple-music',
      headers: forwarded('evil.example, app.example'),
    });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('"callbackURL":"https://app.example/auth/apple-music/callback"');
    await app.close();
  });

  it('answers foo.localhost and 127.0.0.2 with a 400, not a 500 naming an option', async () => {
    const app = Fastify();
    await app.register(appleMusicAuth, sandboxOptions(sandbox));
    for (const host of ['foo.localhost:3000', '127.0.0.2:3000']) {
      for (const url of ['/auth/apple-music', tokenPath]) {
        const answer = await app.inject({ url, headers: { host } });
        expectNothingSigned(answer);
        expect(answer.body).not.toContain('Invalid option');
      }
    }
    await app.close();
  });
});

describe('app.ready() rejects a bad option and names it', () => {
  const cases: Array<[field: string, options: Partial<AppleMusicAuthPluginOptions>]> = [
    ['loginPath', { loginPath: 'auth' }],
    ['callbackPath', { callbackPath: 42 as unknown as string }],
    ['decorator', { decorator: 'apple-music' }],
    ['session', { session: 'yes' as unknown as boolean }],
    ['onSuccess', { onSuccess: 'redirect' as never }],
    ['onError', { onError: {} as never }],
    ['callbackURL', { callbackURL: 'https://app.example/elsewhere/callback' }],
    ['callbackURL', { callbackURL: 'ftp://app.example/auth/apple-music/callback' }],
    ['teamId', { teamId: 'short' }],
    ['state.secret', { state: { secret: 'too short' } }],
    ['timeoutMs', { timeoutMs: -1 }],
    ['loginURL', { loginURL: '/login' } as never],
    ['session', { session: true }],
    ['appOrigins', { appOrigins: [] }],
    [
      'appOrigins',
      {
        callbackURL: 'https://app.example/auth/apple-music/callback',
        appOrigins: ['https://app.example'],
      },
    ],
  ];
  for (const [field, options] of cases) {
    it(`${field}: ${JSON.stringify(options)}`, async () => {
      const app = Fastify();
      app.register(appleMusicAuth, { ...sandboxOptions(sandbox), ...options });
      const error = await app.ready().then(
        () => undefined,
        (reason: unknown) => reason,
      );
      expect(error).toMatchObject({ code: 'ERR_INVALID_OPTIONS' });
      expect((error as Error).message).toContain(`\`${field}\``);
      await app.close();
    });
  }

  it('session: true beside a state.store that is not the session', async () => {
    const app = Fastify();
    app.decorateRequest('session', null as never);
    app.register(appleMusicAuth, {
      ...sandboxOptions(sandbox),
      session: true,
      state: { store: 'cookie', secret: stateSecret },
    });
    await expect(app.ready()).rejects.toThrow(/`session`: keeps the state in the session/);
    await app.close();
  });

  it('appOrigins: left out with the default path callback when NODE_ENV is production', async () => {
    vi.stubEnv('NODE_ENV', 'production');
    try {
      const app = Fastify();
      app.register(appleMusicAuth, sandboxOptions(sandbox));
      await expect(app.ready()).rejects.toThrow(
        /`appOrigins`: is required with a path callbackURL/,
      );
      await app.close();
      const listed = Fastify();
      await listed.register(appleMusicAuth, {
        ...sandboxOptions(sandbox),
        appOrigins: ['https://app.example'],
      });
      await listed.ready();
      await listed.close();
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('a decorator name already taken', async () => {
    const app = Fastify();
    app.decorate('appleMusic', 'mine' as never);
    app.register(appleMusicAuth, sandboxOptions(sandbox));
    await expect(app.ready()).rejects.toThrow(/`decorator`: `appleMusic` is taken/);
    await app.close();
  });
});

describe('closing', () => {
  it('closes the Apple connection pool in onClose', async () => {
    const app = Fastify();
    await app.register(appleMusicAuth, sandboxOptions(sandbox));
    const musicUserToken = sandbox.issueToken();
    await app.appleMusic.fetchAppleMusic('/v1/me/recent/played', { musicUserToken });
    await app.close();
    await expect(
      app.appleMusic.fetchAppleMusic('/v1/me/recent/played', { musicUserToken }),
    ).rejects.toThrow(/closed/);
  });
});
