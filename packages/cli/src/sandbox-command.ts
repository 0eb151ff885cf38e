import { generateKeyPairSync } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { assertAppleId } from '../developer-token.js';
import { AppleMusicAuthError } from '../errors.js';
import { type ParsedArgs, UsageError } from './args.js';
import type { CliIO, Command } from './command.js';
import { warnOnKeyIdMismatch } from './token-command.js';

/** Ids the sandbox expects when none are given: valid shapes, obviously not Apple's. */
const SANDBOX_TEAM_ID = 'SANDBOX123';
const SANDBOX_KEY_ID = 'SANDBOXKEY';

/** `apple-music-auth sandbox`: runs the Apple emulator until Ctrl-C. */
export const sandboxCommand: Command = {
  name: 'sandbox',
  summary: 'start the Apple emulator (popup and API) for development',
  details: `Needs @apple-music-auth/sandbox installed. Point your app's endpoints.authorize and endpoints.api at the printed URLs and sign developer tokens with the same key and ids (default ids ${SANDBOX_TEAM_ID} / ${SANDBOX_KEY_ID}). Give --key to use an existing .p8, or --generate-key to write a new throwaway one.`,
  options: {
    key: {
      type: 'string',
      valueName: '<file.p8>',
      description: 'the .p8 key your app signs developer tokens with',
    },
    'generate-key': {
      type: 'string',
      valueName: '<file.p8>',
      description: 'write a new P-256 key to this file (refuses to overwrite) and use it',
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
      description: 'port to listen on (default 8787; 0 picks one)',
    },
    outcome: {
      type: 'string',
      valueName: '<outcome>',
      description:
        'what the popup does: manual (default), allow, decline, unavailable, close, switchUserId',
    },
  },
  async run(args: ParsedArgs, io: CliIO): Promise<number> {
    const sandboxModule = await importSandbox();
    const publicKey = await loadKey(args);
    const keyId = assertAppleId('keyId', args.string('key-id') ?? SANDBOX_KEY_ID, '--key-id');
    const keyPath = args.string('key');
    if (keyPath !== undefined && args.string('key-id') !== undefined) {
      warnOnKeyIdMismatch(io, keyId, keyPath);
    }
    const port = parsePort(args.string('port') ?? '8787');
    const outcome = args.string('outcome') ?? 'manual';
    if (!(sandboxModule.POPUP_OUTCOMES as readonly string[]).includes(outcome)) {
      throw new UsageError(
        `option --outcome must be one of ${sandboxModule.POPUP_OUTCOMES.join(', ')}`,
      );
    }
    const sandbox = await sandboxModule.startSandbox({
      teamId: assertAppleId('teamId', args.string('team-id') ?? SANDBOX_TEAM_ID, '--team-id'),
      keyId,
      publicKey,
      port,
      outcome: outcome as (typeof sandboxModule.POPUP_OUTCOMES)[number],
    });
    io.stdout.write(
      [
        `Apple sandbox running at ${sandbox.url}`,
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

async function importSandbox(): Promise<typeof import('@apple-music-auth/sandbox')> {
  try {
    return await import('@apple-music-auth/sandbox');
  } catch (cause) {
    throw new AppleMusicAuthError(
      'ERR_INVALID_OPTIONS',
      'The sandbox command needs @apple-music-auth/sandbox: npm install --save-dev @apple-music-auth/sandbox',
      { cause },
    );
  }
}

async function loadKey(args: ParsedArgs): Promise<string> {
  const keyPath = args.string('key');
  const generatePath = args.string('generate-key');
  if ((keyPath === undefined) === (generatePath === undefined)) {
    throw new UsageError('give exactly one of --key <file.p8> or --generate-key <file.p8>');
  }
  if (keyPath !== undefined) {
    try {
      return await readFile(keyPath, 'utf8');
    } catch (cause) {
      throw new AppleMusicAuthError('ERR_INVALID_KEY', `Cannot read the key file ${keyPath}.`, {
        cause,
      });
    }
  }
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  try {
    await writeFile(generatePath as string, pem, { flag: 'wx', mode: 0o600 });
  } catch (cause) {
    throw new AppleMusicAuthError(
      'ERR_INVALID_OPTIONS',
      `Cannot write a new key to ${generatePath}: it exists already or the folder is not writable.`,
      { cause },
    );
  }
  return pem;
}

function stopSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d{1,5}$/.test(value) || port > 65_535) {
    throw new UsageError('option --port must be a whole number from 0 to 65535');
  }
  return port;
}
