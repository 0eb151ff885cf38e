// The plugin's own options, checked by resolveRouteOptions before Fastify or
// core sees them: each bad value is refused naming its option.
import { describe, expect, it } from 'vitest';
import { type AppleMusicAuthPluginOptions, resolveRouteOptions } from '../src/plugin-options.js';

function refusal(options: Record<string, unknown>): Error & { code?: string } {
  try {
    resolveRouteOptions(options as unknown as AppleMusicAuthPluginOptions);
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected resolveRouteOptions to throw');
}

describe('resolveRouteOptions', () => {
  it.each([
    ['loginPath', 'auth'],
    ['loginPath', '//evil.example'],
    ['callbackPath', 42],
    ['developerTokenPath', 'token'],
    ['decorator', '1st'],
    ['decorator', 'has space'],
    ['decorator', 'a'.repeat(65)],
    ['decorator', 7],
    ['session', 'yes'],
    ['onSuccess', 'redirect'],
    ['onError', {}],
  ])('refuses %s %j, naming it', (field, value) => {
    const error = refusal({ [field]: value });
    expect(error.code).toBe('ERR_INVALID_OPTIONS');
    expect(error.message).toContain(`\`${field}\``);
  });

  it('refuses loginURL, pointing to loginPath', () => {
    expect(refusal({ loginURL: 'https://app.example/login' }).message).toMatch(/`loginPath`/);
  });

  it('takes identifiers of 1 and 64 characters as decorator names', () => {
    for (const decorator of ['a', `$${'b'.repeat(63)}`, '_x9']) {
      expect(resolveRouteOptions({ decorator } as AppleMusicAuthPluginOptions).decorator).toBe(
        decorator,
      );
    }
  });

  it('derives the developer-token path from the login path, with or without a trailing /', () => {
    expect(resolveRouteOptions({} as AppleMusicAuthPluginOptions)).toEqual({
      loginPath: '/auth/apple-music',
      callbackPath: '/auth/apple-music/callback',
      developerTokenPath: '/auth/apple-music/developer-token',
      decorator: 'appleMusic',
      session: false,
    });
    expect(
      resolveRouteOptions({ loginPath: '/login/' } as AppleMusicAuthPluginOptions)
        .developerTokenPath,
    ).toBe('/login/developer-token');
  });
});
