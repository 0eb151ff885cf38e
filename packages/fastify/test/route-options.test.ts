// The plugin's own options, checked when it registers, before core sees
// them: each bad value is refused naming its option.
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { type AppleMusicAuthPluginOptions, appleMusicAuth } from '../src/index.js';
import { keyId, privateKey, stateSecret, teamId } from './support/scenario-app.js';

const valid = { teamId, keyId, privateKey, state: { secret: stateSecret } };

/** Registers the plugin with `options`; the error `ready()` rejects with, or the ready app. */
async function register(options: Record<string, unknown>) {
  const app = Fastify();
  app.register(appleMusicAuth, { ...valid, ...options } as AppleMusicAuthPluginOptions);
  try {
    await app.ready();
    return { app, error: undefined };
  } catch (error) {
    await app.close();
    return { app, error: error as Error & { code?: string } };
  }
}

async function refusal(options: Record<string, unknown>) {
  const { app, error } = await register(options);
  if (error === undefined) {
    await app.close();
    throw new Error('expected the plugin to refuse its options');
  }
  return error;
}

describe("the plugin's own options", () => {
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
  ])('refuses %s %j, naming it', async (field, value) => {
    const error = await refusal({ [field]: value });
    expect(error.code).toBe('ERR_INVALID_OPTIONS');
    expect(error.message).toContain(`\`${field}\``);
  });

  it('refuses loginURL, pointing to loginPath', async () => {
    expect((await refusal({ loginURL: 'https://app.example/login' })).message).toMatch(
      /`loginPath`/,
    );
  });

  it('takes identifiers of 1 and 64 characters as decorator names', async () => {
    for (const decorator of ['a', `$${'b'.repeat(63)}`, '_x9']) {
      const { app, error } = await register({ decorator });
      expect(error).toBeUndefined();
      expect(app.hasDecorator(decorator)).toBe(true);
      await app.close();
    }
  });

  it('derives the developer-token path from the login path, with or without a trailing /', async () => {
    const { app } = await register({});
    expect(app.appleMusic.routes).toMatchObject({
      loginPath: '/auth/apple-music',
      callbackPath: '/auth/apple-music/callback',
      developerTokenPath: '/auth/apple-music/developer-token',
    });
    await app.close();
    const other = await register({ loginPath: '/login/' });
    expect(other.app.appleMusic.routes.developerTokenPath).toBe('/login/developer-token');
    expect((await other.app.inject({ url: '/login/developer-token' })).statusCode).not.toBe(404);
    await other.app.close();
  });
});
