import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { AppleMusicAuthError, isAppleMusicAuthError } from '../errors.js';
import {
  type ImportPrivateKeyOptions,
  importPrivateKey,
  inspectPrivateKey,
} from '../tokens/keys.js';

/**
 * Reads Apple's `.p8` key file (`AuthKey_<KEYID>.p8`) and imports it as an
 * ES256 private `CryptoKey`. A missing, empty or unreadable file, a
 * directory, or a file that is not the right key rejects with
 * `ERR_INVALID_KEY` naming the path.
 */
export async function readPrivateKey(
  path: string,
  options: ImportPrivateKeyOptions = {},
): Promise<CryptoKey> {
  checkPath(path, 'readPrivateKey');
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw unreadable(path, error);
  }
  checkNotEmpty(path, bytes);
  try {
    return await importPrivateKey(bytes, options);
  } catch (error) {
    throw namingPath(path, error);
  }
}

/**
 * Reads Apple's `.p8` key file synchronously and checks that it holds
 * Apple's P-256 key, for constructors that cannot wait (a Passport strategy,
 * Koa's factory). Returns the key's text, which every option that takes
 * `privateKey` accepts. Throws `ERR_INVALID_KEY` naming the path, as
 * {@link readPrivateKey} does.
 */
export function readPrivateKeySync(path: string): string {
  checkPath(path, 'readPrivateKeySync');
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw unreadable(path, error);
  }
  checkNotEmpty(path, bytes);
  const text = new TextDecoder().decode(bytes);
  try {
    inspectPrivateKey(text);
  } catch (error) {
    throw namingPath(path, error);
  }
  return text;
}

function checkPath(path: unknown, caller: string): void {
  if (typeof path !== 'string' || path.trim() === '') {
    throw new AppleMusicAuthError(
      'ERR_INVALID_KEY',
      `${caller} needs the path of your AuthKey_<KEYID>.p8 file, e.g. "./AuthKey_ABCDE12345.p8".`,
    );
  }
}

function unreadable(path: string, error: unknown): AppleMusicAuthError {
  return new AppleMusicAuthError(
    'ERR_INVALID_KEY',
    `Cannot read the private key file ${path}: ${readProblem(error)}`,
    { cause: error },
  );
}

function checkNotEmpty(path: string, bytes: Uint8Array): void {
  if (new TextDecoder().decode(bytes).trim() === '') {
    throw new AppleMusicAuthError(
      'ERR_INVALID_KEY',
      `The private key file ${path} is empty: download the .p8 again from Certificates, Identifiers & Profiles > Keys, or create a new key.`,
    );
  }
}

function namingPath(path: string, error: unknown): unknown {
  if (!isAppleMusicAuthError(error)) return error;
  return new AppleMusicAuthError('ERR_INVALID_KEY', `${path}: ${error.message}`, { cause: error });
}

function readProblem(error: unknown): string {
  switch ((error as { code?: unknown }).code) {
    case 'ENOENT':
      return 'no such file; check the path (Apple names it AuthKey_<KEYID>.p8).';
    case 'EISDIR':
      return 'it is a directory; give the path of the AuthKey_<KEYID>.p8 file inside it.';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied; make the file readable by this process.';
    default:
      return `${error instanceof Error ? error.message : String(error)}.`;
  }
}
