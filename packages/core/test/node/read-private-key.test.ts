import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { AppleMusicAuthError } from '../../src/errors.js';
import { createDeveloperTokenCache } from '../../src/index.js';
import { readPrivateKey, readPrivateKeySync } from '../../src/node/index.js';
import { rejectionOf, thrownBy } from '../support/errors.js';
import { generateP256, signsFor } from '../support/generated-keys.js';

const key = generateP256();
const dir = mkdtempSync(join(tmpdir(), 'amauth-read-key-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, contents: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, contents);
  return path;
}

/** Reads `path`, expecting ERR_INVALID_KEY. */
async function rejection(path: unknown): Promise<AppleMusicAuthError> {
  const error = await rejectionOf(readPrivateKey(path as string));
  expect(error.code).toBe('ERR_INVALID_KEY');
  return error;
}

describe('readPrivateKey', () => {
  it('reads and imports an AuthKey_<KEYID>.p8 file', async () => {
    const imported = await readPrivateKey(file('AuthKey_ABCDE12345.p8', key.pem));
    expect(imported.algorithm).toMatchObject({ name: 'ECDSA', namedCurve: 'P-256' });
    expect(await signsFor(imported, key.publicKey)).toBe(true);
  });

  it('reads a file saved with CRLF line endings', async () => {
    const imported = await readPrivateKey(file('crlf.p8', key.pem.replace(/\n/g, '\r\n')));
    expect(await signsFor(imported, key.publicKey)).toBe(true);
  });

  it('reads a DER file', async () => {
    const der = key.privateKey.export({ type: 'pkcs8', format: 'der' });
    const imported = await readPrivateKey(file('key.der', der));
    expect(await signsFor(imported, key.publicKey)).toBe(true);
  });

  it('passes the extractable option on', async () => {
    const imported = await readPrivateKey(file('extractable.p8', key.pem), { extractable: true });
    expect(imported.extractable).toBe(true);
  });

  it('names a missing file', async () => {
    const path = join(dir, 'AuthKey_MISSING000.p8');
    const error = await rejection(path);
    expect(error.message).toContain(path);
    expect(error.message).toMatch(/no such file; check the path/);
  });

  it('names a directory given instead of the file', async () => {
    const error = await rejection(dir);
    expect(error.message).toContain(dir);
    expect(error.message).toMatch(/is a directory/);
  });

  it('names an empty file', async () => {
    const path = file('empty.p8', '');
    const error = await rejection(path);
    expect(error.message).toContain(path);
    expect(error.message).toMatch(/is empty: download the .p8 again/);
  });

  it('names a file of only whitespace as empty', async () => {
    const path = file('blank.p8', '\n  \r\n');
    expect((await rejection(path)).message).toMatch(/is empty/);
  });

  it('names a file it may not read', async () => {
    // Tests run as root in CI containers, where chmod cannot make a file
    // unreadable: simulate the EACCES that readFile reports.
    vi.resetModules();
    vi.doMock('node:fs/promises', () => ({
      readFile: () =>
        Promise.reject(Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' })),
    }));
    try {
      const fresh = await import('../../src/node/read-private-key.js');
      const error: unknown = await fresh.readPrivateKey('/etc/AuthKey.p8').catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'ERR_INVALID_KEY' });
      expect((error as Error).message).toMatch(
        /\/etc\/AuthKey\.p8: permission denied; make the file readable/,
      );
    } finally {
      vi.doUnmock('node:fs/promises');
      vi.resetModules();
    }
  });

  it('names the file when its contents are not the right key', async () => {
    const path = file('public.pem', key.publicKey.export({ type: 'spki', format: 'pem' }));
    const error = await rejection(path);
    expect(error.message).toContain(path);
    expect(error.message).toMatch(/public key/);
    expect(error.cause).toBeInstanceOf(AppleMusicAuthError);
  });

  it('asks for a path when given none', async () => {
    expect((await rejection('')).message).toMatch(/needs the path of your AuthKey_<KEYID>.p8/);
    expect((await rejection(undefined)).message).toMatch(/needs the path/);
  });

  it('reports other read failures with the system message', async () => {
    const error = await rejection(`${dir}/bad\0name.p8`);
    expect(error.message).toMatch(/Cannot read the private key file/);
  });
});

describe('readPrivateKeySync', () => {
  it('returns the key text of an AuthKey_<KEYID>.p8 file, which signs tokens', async () => {
    const text = readPrivateKeySync(file('AuthKey_SYNC123456.p8', key.pem));
    expect(text).toBe(key.pem);
    const cache = createDeveloperTokenCache({
      teamId: 'TEAM123456',
      keyId: 'KEY1234567',
      privateKey: text,
    });
    expect(await cache.getToken()).toMatch(/^eyJ/);
  });

  it.each<[string, () => string, RegExp]>([
    ['a missing file', () => join(dir, 'nope.p8'), /nope\.p8: no such file/],
    ['an empty file', () => file('empty-sync.p8', '  \n'), /empty-sync\.p8 is empty/],
    ['a directory', () => dir, /is a directory/],
    ['a file that is not a key', () => file('text-sync.p8', 'hello world'), /text-sync\.p8: /],
    ['an empty path', () => '', /readPrivateKeySync needs the path/],
  ])('refuses %s with ERR_INVALID_KEY naming the path', (_what, path, message) => {
    const error = thrownBy(() => readPrivateKeySync(path()));
    expect(error.code).toBe('ERR_INVALID_KEY');
    expect(error.message).toMatch(message);
  });
});
