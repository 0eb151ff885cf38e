import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import {
  checkKeyPath,
  keyFileText,
  namingKeyFile,
  readKeyFileSync,
  unreadableKeyFile,
} from '../tokens/key-file.js';
import { type ImportPrivateKeyOptions, importPrivateKey } from '../tokens/keys.js';

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
  checkKeyPath(path, 'readPrivateKey');
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw unreadableKeyFile(path, error);
  }
  keyFileText(path, bytes);
  try {
    return await importPrivateKey(bytes, options);
  } catch (error) {
    throw namingKeyFile(path, error);
  }
}

/**
 * Reads Apple's `.p8` key file synchronously and checks that it holds
 * Apple's P-256 key. Returns the key's text, which every option that takes
 * `privateKey` accepts (`privateKeyPath` does this for you). Throws
 * `ERR_INVALID_KEY` naming the path, as {@link readPrivateKey} does.
 */
export function readPrivateKeySync(path: string): string {
  return readKeyFileSync(path, 'readPrivateKeySync', readFileSync);
}
