import { generateKeyPairSync } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { signDeveloperToken } from '@apple-music-auth/core';
import { readPrivateKey } from '@apple-music-auth/core/node';
import { POPUP_OUTCOMES, type PopupOutcome, startSandbox } from '@apple-music-auth/sandbox';
import { type ParsedArgs, UsageError } from './args.js';
import { type CliIO, type Command, CommandError } from './command.js';
import { warnOnKeyIdMismatch } from './token-command.js';

/** Ids the sandbox expects when none are given: valid shapes, obviously not Apple's. */
const SANDBOX_TEAM_ID = 'SANDBOX123';
const SANDBOX_KEY_ID = 'SANDBOXKEY';
const DEFAULT_PORT = 8787;

/** `apple-music-auth sandbox`: runs the Apple emulator until Ctrl-C. */
export const sandboxCommand: Command = {
  name: 'sandbox',
  summary: 'start the Apple emulator (popup and API) for development',
  usage: '',
  details: [
    `Without a key option it uses a throwaway key kept in ${join(tmpdir(), throwawayFolder())}: made on the first run, used again on the next ones, so the printed lines stay true.`,
    `Prints the lines to export for your app (APPLE_TEAM_ID, APPLE_KEY_ID, APPLE_PRIVATE_KEY_PATH and APPLE_MUSIC_SANDBOX_URL, which points core's endpoints here; default ids ${SANDBOX_TEAM_ID} / ${SANDBOX_KEY_ID}) and the endpoint URLs core then uses.`,
  ].join('\n'),
  options: {
    key: {
      type: 'string',
      valueName: '<file.p8>',
      description: 'the .p8 key (EC P-256) your app signs developer tokens with',
    },
    'generate-key': {
      type: 'string',
      valueName: '<file.p8>',
      description:
        'write a new P-256 key to this file and use it; a file that exists already is used as it is, never overwritten',
    },
    'team-id': {
      type: 'string',
      valueName: '<id>',
      description: `team id (default ${SANDBOX_TEAM_ID})`,
    },
    'key-id': {
      type: 'string',
      valueName: '<id>',
      description: `key id (default ${SANDBOX_KEY_ID})`,
    },
    port: {
      type: 'string',
      valueName: '<port>',
      description: `port to listen on (default ${DEFAULT_PORT}; 0 picks a free one)`,
    },
    outcome: {
      type: 'string',
      valueName: '<outcome>',
      description: `what the popup does: ${POPUP_OUTCOMES.join(', ')} (default manual)`,
    },
  },
  async run(args: ParsedArgs, io: CliIO): Promise<number> {
    const teamId = args.string('team-id') ?? SANDBOX_TEAM_ID;
    const keyId = args.string('key-id') ?? SANDBOX_KEY_ID;
    const port = parsePort(args.string('port') ?? String(DEFAULT_PORT));
    const outcome = parseOutcome(args.string('outcome') ?? 'manual');
    const { keyPath, made } = await keyFile(args, keyId);
    const privateKey = await readPrivateKey(keyPath);
    // Signing once checks the ids as core does, with its messages.
    await signDeveloperToken({ teamId, keyId, privateKey, expiresIn: 60 });
    if (args.string('key') !== undefined && args.string('key-id') !== undefined) {
      warnOnKeyIdMismatch(io, keyId, keyPath);
    }
    const sandbox = await startSandbox({
      teamId,
      keyId,
      publicKey: privateKey,
      port,
      outcome,
    }).catch((error: unknown) => {
      throw listenError(error, port);
    });
    io.stdout.write(
      [
        `Apple sandbox running at ${sandbox.url}, with ${made ? 'a new key' : 'the key'} in ${keyPath}`,
        'For your app (paste into its shell, or its .env without "export"):',
        `  export APPLE_TEAM_ID=${teamId}`,
        `  export APPLE_KEY_ID=${keyId}`,
        `  export APPLE_PRIVATE_KEY_PATH=${shellQuote(keyPath)}`,
        `  export APPLE_MUSIC_SANDBOX_URL=${sandbox.url}`,
        `With APPLE_MUSIC_SANDBOX_URL set, @apple-music-auth/core uses these endpoints (unless the code gives endpoints); also at ${sandbox.url}/.well-known/apple-music-sandbox:`,
        `  endpoints.authorize      ${sandbox.authorizeURL}`,
        `  endpoints.api            ${sandbox.apiURL}`,
        `  endpoints.musicKitScript ${sandbox.musicKitScriptURL}`,
        'Press Ctrl-C to stop.',
        '',
      ].join('\n'),
    );
    await (io.stop ?? stopSignal());
    await sandbox.close();
    return 0;
  },
};

/**
 * The key file to use: `--key` as given; `--generate-key`, or the throwaway
 * file in the OS temp folder, made when missing and used as it is when
 * present (re-running never fails on it, never overwrites it).
 */
async function keyFile(
  args: ParsedArgs,
  keyId: string,
): Promise<{ keyPath: string; made: boolean }> {
  const given = args.string('key');
  const generate = args.string('generate-key');
  if (given !== undefined && generate !== undefined) {
    throw new UsageError('give --key <file.p8> or --generate-key <file.p8>, not both');
  }
  if (given !== undefined) return { keyPath: given, made: false };
  const keyPath = generate ?? join(tmpdir(), throwawayFolder(), `AuthKey_${keyId}.p8`);
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const cannotWrite = (error: unknown) =>
    new CommandError(
      `cannot write a new key to ${keyPath} (${(error as NodeJS.ErrnoException).code ?? 'error'}): give --generate-key a file in a folder you can write to`,
    );
  await mkdir(dirname(keyPath), { recursive: true, mode: 0o700 }).catch((error: unknown) => {
    throw cannotWrite(error);
  });
  try {
    await writeFile(keyPath, pem, { flag: 'wx', mode: 0o600 });
    return { keyPath, made: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return { keyPath, made: false };
    throw cannotWrite(error);
  }
}

/** The folder of the throwaway key, one per user of the machine. */
function throwawayFolder(): string {
  return `apple-music-auth-sandbox${process.getuid === undefined ? '' : `-${process.getuid()}`}`;
}

/** Says what to do when the sandbox cannot listen; other errors go on unchanged. */
function listenError(error: unknown, port: number): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') {
    return new CommandError(
      `port ${port} is in use (another sandbox or server runs there): stop it, or pick another port with --port <port> (--port 0 picks a free one)`,
    );
  }
  if (code === 'EACCES') {
    return new CommandError(
      `this user may not listen on port ${port}: pick a port above 1023 with --port <port>`,
    );
  }
  return error;
}

function parseOutcome(value: string): PopupOutcome {
  const outcome = POPUP_OUTCOMES.find((candidate) => candidate === value);
  if (outcome === undefined) {
    throw new UsageError(`option --outcome must be one of ${POPUP_OUTCOMES.join(', ')}`);
  }
  return outcome;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d{1,5}$/.test(value) || port > 65_535) {
    throw new UsageError('option --port must be a whole number from 0 to 65535');
  }
  return port;
}

/** A path as one POSIX shell word: as it is when it is plain, else in single quotes. */
function shellQuote(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replaceAll("'", `'\\''`)}'`;
}

function stopSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}
