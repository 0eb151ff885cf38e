import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { type AppleMusicKoaOptions, appleMusicAuth } from '../src/index.js';

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const directory = mkdtempSync(join(tmpdir(), 'apple-music-koa-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const base: AppleMusicKoaOptions = {
  teamId: 'TEAM123456',
  keyId: 'KEY1234567',
  callbackURL: 'https://app.example/auth/apple-music/callback',
  state: { secret: 'a-state-secret-that-is-long-enough-for-hmac' },
};

/** The error `appleMusicAuth` throws synchronously for these options. */
function thrownBy(options: AppleMusicKoaOptions): { code?: string; message?: string } {
  try {
    appleMusicAuth(options).close();
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error('appleMusicAuth accepted the options');
}

describe('appleMusicAuth options, checked at the call', () => {
  it('reads the key file given as privateKeyPath', async () => {
    const path = join(directory, 'AuthKey_KEY1234567.p8');
    writeFileSync(path, pem);
    const am = appleMusicAuth({ ...base, privateKeyPath: path });
    expect((await am.getDeveloperToken()).split('.')).toHaveLength(3);
    await am.close();
  });

  it('throws ERR_INVALID_KEY naming a key file that is missing', () => {
    const path = join(directory, 'AuthKey_MISSING.p8');
    const error = thrownBy({ ...base, privateKeyPath: path });
    expect(error.code).toBe('ERR_INVALID_KEY');
    expect(error.message).toContain(path);
  });

  it('throws ERR_INVALID_KEY for a key file that holds no key', () => {
    const path = join(directory, 'AuthKey_NOTAKEY.p8');
    writeFileSync(path, 'not a key');
    expect(thrownBy({ ...base, privateKeyPath: path }).code).toBe('ERR_INVALID_KEY');
  });

  it.each([
    ['neither privateKey nor privateKeyPath', {}],
    ['both privateKey and privateKeyPath', { privateKey: pem, privateKeyPath: '/k.p8' }],
  ])('refuses %s', (_name, keys) => {
    const error = thrownBy({ ...base, ...keys });
    expect(error.code).toBe('ERR_INVALID_OPTIONS');
    expect(error.message).toContain('`privateKey`');
  });

  it('refuses session: true beside another state store', () => {
    const error = thrownBy({
      ...base,
      privateKey: pem,
      session: true,
      state: { ...base.state, store: 'cookie' },
    });
    expect(error.code).toBe('ERR_INVALID_OPTIONS');
    expect(error.message).toContain('`session`');
  });

  it.each(['session', 'throwErrors'])('refuses a %s that is not a boolean', (field) => {
    const error = thrownBy({ ...base, privateKey: pem, [field]: 'yes' });
    expect(error.code).toBe('ERR_INVALID_OPTIONS');
    expect(error.message).toContain(`\`${field}\``);
    expect(error.message).toMatch(/must be true or false|a boolean/);
  });

  it("throws core's ERR_INVALID_OPTIONS for a bad core option", () => {
    const error = thrownBy({ ...base, privateKey: pem, teamId: 'nope' });
    expect(error.code).toBe('ERR_INVALID_OPTIONS');
    expect(error.message).toContain('teamId');
  });

  it('refuses a path callbackURL without appOrigins when NODE_ENV is production, at the call', () => {
    const path = { ...base, privateKey: pem, callbackURL: '/auth/apple-music/callback' };
    vi.stubEnv('NODE_ENV', 'production');
    try {
      const error = thrownBy(path);
      expect(error.code).toBe('ERR_INVALID_OPTIONS');
      expect(error.message).toContain('`appOrigins`');
      appleMusicAuth({ ...path, appOrigins: ['https://app.example'] }).close();
    } finally {
      vi.unstubAllEnvs();
    }
    const absolute = thrownBy({ ...base, privateKey: pem, appOrigins: ['https://app.example'] });
    expect(absolute.message).toContain('`appOrigins`');
  });

  it('needs no state secret with session: true', async () => {
    const am = appleMusicAuth({ ...base, state: {}, privateKey: pem, session: true });
    expect(am.routes.loginPath).toBe('/auth/apple-music');
    await am.close();
  });

  it.each([
    ['a relative path', 'developer-token'],
    ['a protocol-relative path', '//evil.example/token'],
    ['a number', 42],
    ['not a string, though it prints as a path', { toString: () => '/token' }],
  ])('refuses a developerTokenPath that is %s', (_what, developerTokenPath) => {
    const error = thrownBy({
      ...base,
      privateKey: pem,
      developerTokenPath: developerTokenPath as unknown as string,
    });
    expect(error.code).toBe('ERR_INVALID_OPTIONS');
    expect(error.message).toContain('`developerTokenPath`');
  });

  it('serves the developer token at developerTokenPath, or under the login path', async () => {
    const own = appleMusicAuth({ ...base, privateKey: pem, developerTokenPath: '/token' });
    expect(own.routes.developerTokenPath).toBe('/token');
    await own.close();
    const derived = appleMusicAuth({
      ...base,
      privateKey: pem,
      loginURL: 'https://app.example/login/',
    });
    expect(derived.routes.developerTokenPath).toBe('/login/developer-token');
    await derived.close();
  });

  it('takes a top-level stateSecret without a state group', async () => {
    const { state: _state, ...withoutGroup } = base;
    const am = appleMusicAuth({
      ...withoutGroup,
      privateKey: pem,
      stateSecret: 'a-state-secret-that-is-long-enough-for-hmac',
    });
    expect(am.routes.loginPath).toBe('/auth/apple-music');
    await am.close();
  });

  it("accepts session: true beside state.store: 'session'", async () => {
    const am = appleMusicAuth({
      ...base,
      state: { store: 'session' },
      privateKey: pem,
      session: true,
    });
    expect(am.routes.loginPath).toBe('/auth/apple-music');
    await am.close();
  });
});
