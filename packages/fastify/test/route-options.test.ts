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
    ['loginPath', 'auth', "must be a path starting with one '/'"],
    ['loginPath', '//evil.example', "must be a path starting with one '/'"],
    ['callbackPath', 42, "must be a path starting with one '/'"],
    ['developerTokenPath', 'token', "must be a path starting with one '/'"],
    ['decorator', '1st', 'must be a JavaScript identifier'],
    ['decorator', 'has space', 'must be a JavaScript identifier'],
    ['decorator', 'a'.repeat(65), 'must be a JavaScript identifier'],
    ['decorator', 7, 'must be a JavaScript identifier'],
    ['session', 'yes', '`session`'],
    ['onSuccess', 'redirect', 'must be a function'],
    ['onError', {}, 'must be a function'],
  ])('refuses %s %j, naming it and saying what to give', async (field, value, advice) => {
    const error = await refusal({ [field]: value });
    expect(error.code).toBe('ERR_INVALID_OPTIONS');
    expect(error.message).toContain(`\`${field}\``);
    expect(error.message).toContain(advice);
  });

  it('refuses session: true without a session plugin, saying which to register', async () => {
    const error = await refusal({ session: true });
    expect(error.message).toContain('register @fastify/session or @fastify/secure-session first');
  });

  it('refuses a callbackURL whose path is not the callback route, saying how they must agree', async () => {
    const error = await refusal({ callbackURL: 'https://app.example/elsewhere' });
    expect(error.message).toContain(
      'is not the callback route /auth/apple-music/callback (prefix + callbackPath): make them agree, or leave callbackURL out.',
    );
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
