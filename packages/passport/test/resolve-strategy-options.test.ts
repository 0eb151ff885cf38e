// The translation of the strategy's options into core's, checked on the object
// it hands to createAppleMusicAuth: which spelling wins, what is left out, and
// what is refused before core sees it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveStrategyOptions, type StrategyOptions } from '../src/strategy-options.js';
import { keyId, privateKey, stateSecret, teamId } from './support/fixtures.js';

const directory = mkdtempSync(join(tmpdir(), 'passport-resolve-'));
const keyPath = join(directory, `AuthKey_${keyId}.p8`);
writeFileSync(keyPath, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);

const base = { teamId, keyId, privateKey, callbackURL: 'https://app.example/auth', stateSecret };

function resolve(extra: Record<string, unknown>) {
  return resolveStrategyOptions({ ...base, ...extra } as StrategyOptions).auth as Record<
    string,
    // biome-ignore lint/suspicious/noExplicitAny: the test reads fields of core's options by name.
    any
  >;
}

function refusal(options: unknown): Error & { code?: string } {
  try {
    resolveStrategyOptions(options as StrategyOptions);
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected resolveStrategyOptions to throw');
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('resolveStrategyOptions', () => {
  it.each([null, 'options'])('refuses options of %j, naming them', (options) => {
    const error = refusal(options);
    expect(error.code).toBe('ERR_INVALID_OPTIONS');
    expect(error.message).toMatch(/`options`/);
    expect(error.message).toContain(
      'pass an object with teamID, keyID, privateKeyLocation and callbackURL',
    );
  });

  it('warns about nothing when no ignored option is given', () => {
    const warning = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    resolve({});
    expect(warning).not.toHaveBeenCalled();
  });

  it('gives the warning about ignored options its own code', () => {
    const warning = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    resolve({ scope: 'music' });
    expect(warning.mock.calls[0]?.[1]).toEqual({ code: 'APPLE_MUSIC_AUTH_IGNORED_OPTIONS' });
  });

  it.each([
    ['teamID', { teamID: teamId }, 'teamId'],
    ['keyID', { keyID: keyId }, 'keyId'],
    ['privateKeyLocation', { privateKeyLocation: keyPath }, 'privateKey'],
    ['proxy', { proxy: true, trustProxy: true }, 'trustProxy'],
  ])('refuses %s beside its other spelling, naming both', (oldName, extra, name) => {
    const error = refusal({ ...base, ...extra });
    expect(error.message).toContain(`\`${oldName}\``);
    expect(error.message).toContain(`\`${name}\``);
  });

  it('sets app only from appName or appIcon, keeping the other field of app', () => {
    expect(resolve({}).app).toBeUndefined();
    expect(resolve({ app: { name: 'Kept' } }).app).toEqual({ name: 'Kept' });
    expect(resolve({ appName: 'Old App' }).app).toEqual({ name: 'Old App', iconURL: undefined });
    expect(resolve({ appIcon: 'https://app.example/i.png' }).app).toEqual({
      name: undefined,
      iconURL: 'https://app.example/i.png',
    });
    expect(resolve({ appIcon: 'https://app.example/i.png', app: { name: 'Kept' } }).app).toEqual({
      name: 'Kept',
      iconURL: 'https://app.example/i.png',
    });
  });

  it('sets developerToken.expiresIn only from jwtOptions.expiresIn', () => {
    expect(resolve({}).developerToken).toBeUndefined();
    expect(resolve({ jwtOptions: { algorithm: 'ES256' } }).developerToken).toBeUndefined();
    expect(resolve({ jwtOptions: { expiresIn: 60 } }).developerToken).toEqual({ expiresIn: 60 });
  });

  it.each([null, 'ES256'])('refuses jwtOptions of %j, naming it', (jwtOptions) => {
    const error = refusal({ ...base, jwtOptions });
    expect(error.code).toBe('ERR_INVALID_OPTIONS');
    expect(error.message).toMatch(/`jwtOptions`/);
    expect(error.message).toContain('must be an object such as { expiresIn: "180d" }');
  });

  it.each(['on', null])(
    'refuses a state of %j (neither true nor an object), saying state is always on',
    (state) => {
      expect(refusal({ ...base, state }).message).toMatch(/state is always on/);
    },
  );

  it('leaves a store given beside state: true as it is', () => {
    const store = { issue: () => undefined, consume: () => undefined };
    expect(resolve({ state: true, store, stateSecret: undefined }).state.store).toBe(store);
  });

  it("keeps core's state group as it is given", () => {
    expect(resolve({ state: { maxAge: 60 } }).state).toEqual({
      maxAge: 60,
      sessionKey: undefined,
      store: undefined,
    });
  });

  it.each([
    ['sessionKey', { sessionKey: 'a', state: { sessionKey: 'b' } }, 'state.sessionKey'],
    ['store', { store: 'cookie', state: { store: 'session' } }, 'state.store'],
  ])('refuses %s beside its place in the state group, naming both', (oldName, extra, name) => {
    const error = refusal({ ...base, ...extra });
    expect(error.message).toContain(`\`${oldName}\``);
    expect(error.message).toContain(`\`${name}\``);
  });

  it.each([
    ['a state secret with state: true', { state: true }],
    [
      'state.secret with sessionKey',
      { stateSecret: undefined, state: { secret: stateSecret }, sessionKey: 'k' },
    ],
    [
      'a stateStore with state: true',
      { stateSecret: undefined, stateStore: 'cookie', state: true },
    ],
  ])('keeps the cookie store for %s', (_what, extra) => {
    expect(resolve(extra).state.store).toBeUndefined();
  });
});
