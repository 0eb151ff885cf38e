import { AppleMusicAuthError, invalidOptions, isAppleMusicAuthError } from '../errors.js';
import { inspectPrivateKey } from './keys.js';

/** Reads a file's bytes synchronously, as `node:fs`'s `readFileSync` does. */
export type ReadFileSync = (path: string) => Uint8Array;

/**
 * Reads Apple's `.p8` key file synchronously and checks that it holds
 * Apple's P-256 key; returns its text. `caller` names the option or function
 * in the messages. Without `readFile`, `node:fs` is reached through
 * `process.getBuiltinModule` (no static `node:` import, so web runtimes can
 * load core); a runtime without it gets `ERR_INVALID_OPTIONS` saying to pass
 * the key text. Other problems throw `ERR_INVALID_KEY` naming the path.
 */
export function readKeyFileSync(
  path: unknown,
  caller: string,
  readFile: ReadFileSync | undefined = nodeReadFileSync(caller),
): string {
  checkKeyPath(path, caller);
  let bytes: Uint8Array;
  try {
    bytes = (readFile as ReadFileSync)(path);
  } catch (error) {
    throw unreadableKeyFile(path, error);
  }
  const text = keyFileText(path, bytes);
  try {
    inspectPrivateKey(text);
  } catch (error) {
    throw namingKeyFile(path, error);
  }
  return text;
}

/** `node:fs`'s `readFileSync` where `process.getBuiltinModule` exists (Node.js 20.16+, Bun, Deno). */
function nodeReadFileSync(caller: string): ReadFileSync {
  const runtime = (
    globalThis as {
      process?: { getBuiltinModule?: (id: string) => { readFileSync: ReadFileSync } | undefined };
    }
  ).process;
  const fs = runtime?.getBuiltinModule?.('node:fs');
  if (fs === undefined) {
    throw invalidOptions(
      caller,
      'this runtime cannot read files: pass the text of your AuthKey_<KEYID>.p8 as `privateKey` (e.g. from a secret).',
    );
  }
  return fs.readFileSync;
}

/** Refuses a key path that is not a non-empty string. */
export function checkKeyPath(path: unknown, caller: string): asserts path is string {
  if (typeof path !== 'string' || path.trim() === '') {
    throw new AppleMusicAuthError(
      'ERR_INVALID_KEY',
      `${caller} needs the path of your AuthKey_<KEYID>.p8 file, e.g. "./AuthKey_ABCDE12345.p8".`,
    );
  }
}

/** An `ERR_INVALID_KEY` for a key file that could not be read, saying why. */
export function unreadableKeyFile(path: string, error: unknown): AppleMusicAuthError {
  return new AppleMusicAuthError(
    'ERR_INVALID_KEY',
    `Cannot read the private key file ${path}: ${readProblem(error)}`,
    { cause: error },
  );
}

/** The key file's text; an empty file throws `ERR_INVALID_KEY`. */
export function keyFileText(path: string, bytes: Uint8Array): string {
  const text = new TextDecoder().decode(bytes);
  if (text.trim() === '') {
    throw new AppleMusicAuthError(
      'ERR_INVALID_KEY',
      `The private key file ${path} is empty: download the .p8 again from Certificates, Identifiers & Profiles > Keys, or create a new key.`,
    );
  }
  return text;
}

/** This library's key error, with the file's path in front of its message. */
export function namingKeyFile(path: string, error: unknown): unknown {
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
