import { readFile } from 'node:fs/promises';
import { AppleMusicAuthError, isAppleMusicAuthError } from '../errors.js';
import { type ImportPrivateKeyOptions, importPrivateKey } from '../keys.js';

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
  if (typeof path !== 'string' || path.trim() === '') {
    throw new AppleMusicAuthError(
      'ERR_INVALID_KEY',
      'readPrivateKey needs the path of your AuthKey_<KEYID>.p8 file, e.g. "./AuthKey_ABCDE12345.p8".',
    );
  }
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new AppleMusicAuthError(
      'ERR_INVALID_KEY',
      `Cannot read the private key file ${path}: ${readProblem(error)}`,
      { cause: error },
    );
  }
  if (new TextDecoder().decode(bytes).trim() === '') {
    throw new AppleMusicAuthError(
      'ERR_INVALID_KEY',
      `The private key file ${path} is empty: download the .p8 again from Certificates, Identifiers & Profiles > Keys, or create a new key.`,
    );
  }
  try {
    return await importPrivateKey(bytes, options);
  } catch (error) {
    if (!isAppleMusicAuthError(error)) throw error;
    throw new AppleMusicAuthError('ERR_INVALID_KEY', `${path}: ${error.message}`, { cause: error });
  }
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
