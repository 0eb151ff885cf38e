// Options core owns so that no adapter decides them: the key file, the
// session shorthand and the developer-token route.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { type AppleMusicAuthOptions, createAppleMusicAuth } from '../../src/index.js';
import { thrownBy } from '../support/errors.js';

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const directory = mkdtempSync(join(tmpdir(), 'apple-music-core-'));
const created: { close(): Promise<void> }[] = [];
afterAll(async () => {
  await Promise.all(created.map((auth) => auth.close()));
  rmSync(directory, { recursive: true, force: true });
});

const base = {
  teamId: 'TEAM123456',
  keyId: 'KEY1234567',
  callbackURL: 'https://app.example/auth/apple-music/callback',
  state: { secret: 'a-state-secret-that-is-long-enough-for-hmac' },
};

function create(options: unknown) {
  const auth = createAppleMusicAuth(options as AppleMusicAuthOptions);
  created.push(auth);
  return auth;
}

describe('privateKeyPath', () => {
  it('reads the key file once, at creation', async () => {
    const path = join(directory, 'AuthKey_KEY1234567.p8');
    writeFileSync(path, pem);
    const auth = create({ ...base, privateKeyPath: path });
    rmSync(path);
    expect((await auth.getDeveloperToken()).split('.')).toHaveLength(3);
  });

  it('refuses both or neither of privateKey and privateKeyPath, naming privateKey', () => {
    for (const keys of [{}, { privateKey: pem, privateKeyPath: '/k.p8' }]) {
      const error = thrownBy(() => create({ ...base, ...keys }));
      expect(error.code).toBe('ERR_INVALID_OPTIONS');
      expect(error.message).toContain('`privateKey`');
    }
  });

  it('throws ERR_INVALID_KEY naming a missing file or one without a key', () => {
    const missing = join(directory, 'AuthKey_MISSING.p8');
    const error = thrownBy(() => create({ ...base, privateKeyPath: missing }));
    expect(error.code).toBe('ERR_INVALID_KEY');
    expect(error.message).toContain(missing);
    const notAKey = join(directory, 'AuthKey_NOTAKEY.p8');
    writeFileSync(notAKey, 'not a key');
    expect(thrownBy(() => create({ ...base, privateKeyPath: notAKey })).code).toBe(
      'ERR_INVALID_KEY',
    );
  });

  it('says to pass privateKey on a runtime that cannot read files', () => {
    vi.stubGlobal('process', { ...process, getBuiltinModule: undefined });
    try {
      const error = thrownBy(() => create({ ...base, privateKeyPath: '/k.p8' }));
      expect(error.code).toBe('ERR_INVALID_OPTIONS');
      expect(error.message).toContain('`privateKeyPath`');
      expect(error.message).toContain('`privateKey`');
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('session: true', () => {
  it('keeps the state in the session: no secret needed, state.store "session" allowed beside it', () => {
    expect(() => create({ ...base, privateKey, state: {}, session: true })).not.toThrow();
    expect(() =>
      create({ ...base, privateKey, state: { store: 'session' }, session: true }),
    ).not.toThrow();
  });

  it('refuses a different state store beside it, and a value that is not a boolean', () => {
    for (const options of [
      { state: { ...base.state, store: 'cookie' }, session: true },
      { stateStore: 'cookie', session: true },
      { session: 'yes' },
    ]) {
      const error = thrownBy(() => create({ ...base, privateKey, ...options }));
      expect(error.code).toBe('ERR_INVALID_OPTIONS');
      expect(error.message).toContain('`session`');
    }
  });
});

describe('developerTokenPath', () => {
  it('defaults under the login path, with or without its trailing /', () => {
    expect(create({ ...base, privateKey }).routes.developerTokenPath).toBe(
      '/auth/apple-music/developer-token',
    );
    expect(create({ ...base, privateKey, loginURL: '/login/' }).routes.developerTokenPath).toBe(
      '/login/developer-token',
    );
    expect(
      create({ ...base, privateKey, developerTokenPath: '/token' }).routes.developerTokenPath,
    ).toBe('/token');
  });

  it.each([
    'developer-token',
    '//evil.example/token',
    '/token?x=1',
    42,
    { toString: () => '/token' },
  ])('refuses %j, naming it', (developerTokenPath) => {
    const error = thrownBy(() => create({ ...base, privateKey, developerTokenPath }));
    expect(error.code).toBe('ERR_INVALID_OPTIONS');
    expect(error.message).toContain('`developerTokenPath`');
  });

  it('is what route() answers for', () => {
    const auth = create({ ...base, privateKey, developerTokenPath: '/token' });
    expect(auth.route({ method: 'GET', url: '/token' })).toBe('developer-token');
    expect(auth.route({ method: 'POST', url: '/auth/apple-music/callback' })).toBe('callback');
  });
});
