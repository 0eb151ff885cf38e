import type { AppleMusicAuthError, LoginResult } from '@apple-music-auth/core';
import Fastify from 'fastify';
import { describe, expectTypeOf, it } from 'vitest';
import appleMusicAuth, { type AppleMusicDecorator } from '../src/index.js';

describe('the decorators, typed through declare module', () => {
  it('types fastify.appleMusic without a cast', () => {
    const app = Fastify();
    expectTypeOf(app.appleMusic).toEqualTypeOf<AppleMusicDecorator>();
    expectTypeOf(app.appleMusic.getDeveloperToken).returns.resolves.toBeString();
    expectTypeOf(
      app.appleMusic.fetchAppleMusic<{ data: unknown[] }>('/v1/me/recent/played', {
        musicUserToken: 'token',
      }),
    ).resolves.toEqualTypeOf<{ data: unknown[] }>();
    expectTypeOf(app.appleMusic.routes.loginPath).toBeString();
    expectTypeOf(app.appleMusic.routes.developerTokenPath).toBeString();
  });

  it('types requireLogin() as route options, and request.appleMusicUserToken', () => {
    const app = Fastify();
    const guard = app.appleMusic.requireLogin({
      read: (request) => request.headers['x-token'] as string | undefined,
      clear: () => undefined,
    });
    app.get('/recent', guard, async (request, reply) => {
      expectTypeOf(request.appleMusicUserToken).toEqualTypeOf<string | null>();
      return guard.signInAgain(request, reply);
    });
  });

  it('types request.appleMusicLogin as LoginResult | null in every route', () => {
    const app = Fastify();
    app.get('/', async (request) => {
      expectTypeOf(request.appleMusicLogin).toEqualTypeOf<LoginResult | null>();
      return null;
    });
  });

  it('types the hooks from the options', () => {
    const app = Fastify();
    app.register(appleMusicAuth, {
      teamId: 'TEAM123456',
      keyId: 'KEY1234567',
      privateKey: '-----BEGIN PRIVATE KEY-----',
      prefix: '/v1',
      onSuccess: (request, reply, result) => {
        expectTypeOf(result).toEqualTypeOf<LoginResult>();
        expectTypeOf(request.appleMusicLogin).toEqualTypeOf<LoginResult | null>();
        return reply.redirect(result.returnTo ?? '/', 303);
      },
      onError: (_request, _reply, error) => {
        expectTypeOf(error).toEqualTypeOf<AppleMusicAuthError>();
        expectTypeOf(error.code).toBeString();
      },
    });
  });

  it('refuses options the plugin does not take', () => {
    const app = Fastify();
    app.register(appleMusicAuth, {
      teamId: 'TEAM123456',
      keyId: 'KEY1234567',
      privateKey: 'key',
      // @ts-expect-error loginURL is built from the prefix and loginPath
      loginURL: '/login',
    });
    // @ts-expect-error session is a boolean
    app.register(appleMusicAuth, { teamId: 'T', keyId: 'K', privateKey: 'k', session: 'yes' });
  });
});
