import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { Strategy, type StrategyOptionsWithoutRequest } from '../src/index.js';
import { keyId, privateKey, stateSecret, teamId } from './support/fixtures.js';
import { runStrategy } from './support/strategy-harness.js';

const directory = mkdtempSync(join(tmpdir(), 'passport-options-'));
const keyPath = join(directory, `AuthKey_${keyId}.p8`);
writeFileSync(keyPath, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);

/** The options object of passport-apple-music's README, with a state secret. */
const oldOptions = {
  teamID: teamId,
  keyID: keyId,
  callbackURL: 'https://app.example/auth',
  privateKeyLocation: keyPath,
  stateSecret,
};

const strategies: Strategy[] = [];
afterAll(() => Promise.all(strategies.map((strategy) => strategy.auth.close())));

function create(options: Record<string, unknown>): Strategy {
  const strategy = new Strategy(
    options as unknown as StrategyOptionsWithoutRequest,
    () => undefined,
  );
  strategies.push(strategy);
  return strategy;
}

describe('options', () => {
  it("takes passport-apple-music's spellings: teamID, keyID, privateKeyLocation, appName, appIcon", async () => {
    const strategy = create({
      ...oldOptions,
      appName: 'Old App',
      appIcon: 'https://app.example/icon.png',
    });
    expect(strategy.name).toBe('apple-music');
    const { res } = await runStrategy(strategy, { url: '/login' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Old App');
    expect(res.body).toContain('https://app.example/icon.png');
  });

  it('reads jwtOptions.expiresIn in seconds or as "2 days"', async () => {
    for (const expiresIn of [172_800, '2 days']) {
      const strategy = create({ ...oldOptions, jwtOptions: { expiresIn, algorithm: 'ES256' } });
      const token = await strategy.auth.getDeveloperToken();
      const { exp, iat } = JSON.parse(
        Buffer.from(token.split('.')[1] ?? '', 'base64url').toString(),
      );
      expect(exp - iat).toBe(172_800);
    }
  });

  it.each([
    [{ jwtOptions: { algorithm: 'RS256' } }, 'jwtOptions.algorithm', 'ES256'],
    [{ jwtOptions: { expiresIn: '1 year' } }, 'jwtOptions.expiresIn', '180 days'],
    [{ jwtOptions: { audience: 'x' } }, 'jwtOptions.audience', 'unknown'],
    [{ clientID: 'x' }, 'clientID', 'unknown option'],
    [{ teamId }, 'teamID', 'only one'],
    [{ passReqToCallback: 'yes' }, 'passReqToCallback', 'true or false'],
    [{ proxy: 1 }, 'proxy', 'true or false'],
    [{ state: false }, 'state', 'always on'],
  ])('refuses %j at construction, naming %s', (extra, field, hint) => {
    expect(() => create({ ...oldOptions, ...extra })).toThrow(
      expect.objectContaining({
        code: 'ERR_INVALID_OPTIONS',
        message: expect.stringMatching(new RegExp(`\`${field.replace('.', '\\.')}\`.*${hint}`)),
      }),
    );
  });

  it('names the key file when privateKeyLocation cannot be read', () => {
    expect(() =>
      create({ ...oldOptions, privateKeyLocation: join(directory, 'missing.p8') }),
    ).toThrow(
      expect.objectContaining({
        code: 'ERR_INVALID_KEY',
        message: expect.stringContaining('missing.p8'),
      }),
    );
  });

  it('refuses a missing verify', () => {
    expect(() => new Strategy(oldOptions, undefined as never)).toThrow(
      /`verify`: pass a verify function as the second argument/,
    );
  });

  it('names both ways to keep state when there is neither a secret nor a session store', () => {
    const { stateSecret: _secret, ...withoutSecret } = oldOptions;
    expect(() => create(withoutSecret)).toThrow(/state.*secret[\s\S]*store: "session"/);
  });

  it('uses req.session for state: true, sessionKey or store: true when no secret is given', async () => {
    const { stateSecret: _secret, ...withoutSecret } = oldOptions;
    for (const [extra, key] of [
      [{ state: true }, 'appleMusicAuth'],
      [{ sessionKey: 'oauth2:apple' }, 'oauth2:apple'],
      [{ store: true }, 'appleMusicAuth'],
    ] as const) {
      const session: Record<string, unknown> = {};
      const { res } = await runStrategy(create({ ...withoutSecret, ...extra }), { session });
      expect(res.setCookies).toEqual([]);
      expect(session[key]).toMatchObject({ state: expect.any(String) });
    }
  });

  it('takes proxy as trustProxy for a path callbackURL', async () => {
    const strategy = create({
      ...oldOptions,
      callbackURL: '/auth',
      appOrigins: ['https://public.example'],
      proxy: true,
    });
    const { res } = await runStrategy(strategy, {
      headers: { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'public.example' },
    });
    expect(res.body).toContain('https://public.example/auth');
  });

  it('warns once, naming them, about passport-oauth2 options that mean nothing here', () => {
    const warning = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      create({ ...oldOptions, scope: ['a'], pkce: true, skipUserProfile: true, state: true });
      expect(warning).toHaveBeenCalledTimes(1);
      expect(warning.mock.calls[0]?.[0]).toMatch(/ignores scope, pkce, skipUserProfile/);
    } finally {
      warning.mockRestore();
    }
  });
});
