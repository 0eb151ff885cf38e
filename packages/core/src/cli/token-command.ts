import {
  assertAppleId,
  assertOrigins,
  parseExpiresIn,
  signDeveloperToken,
} from '../developer-token.js';
import { readPrivateKey } from '../node/read-private-key.js';
import type { OptionSpecs, ParsedArgs } from './args.js';
import type { CliIO, Command } from './command.js';

/** Options shared by every command that signs a developer token. */
export const signingOptions = {
  'team-id': {
    type: 'string',
    required: true,
    valueName: '<id>',
    description: 'Team ID: 10 characters, on the Membership page of your developer account',
  },
  'key-id': {
    type: 'string',
    required: true,
    valueName: '<id>',
    description: 'Key ID of the MusicKit key: 10 characters, as in AuthKey_<KEYID>.p8',
  },
  key: {
    type: 'string',
    required: true,
    valueName: '<file.p8>',
    description: 'path of the AuthKey_<KEYID>.p8 file Apple gave you',
  },
} as const satisfies OptionSpecs;

/** Reads the signing options and the key file: what `signDeveloperToken` needs. */
export async function readSigningOptions(
  args: ParsedArgs,
): Promise<{ teamId: string; keyId: string; privateKey: CryptoKey }> {
  const teamId = assertAppleId('teamId', args.required('team-id'), '--team-id');
  const keyId = assertAppleId('keyId', args.required('key-id'), '--key-id');
  const privateKey = await readPrivateKey(args.required('key'));
  return { teamId, keyId, privateKey };
}

/** `apple-music-auth token`: mints a developer token from a `.p8` file. */
export const tokenCommand: Command = {
  name: 'token',
  summary: 'sign a developer token with your .p8 key',
  details:
    'Prints the token on one line (or, with --json, the token, its expiry as ISO 8601, the ids and the origins).',
  options: {
    ...signingOptions,
    'expires-in': {
      type: 'string',
      valueName: '<time>',
      description: 'lifetime, e.g. 180d (the default and maximum), 12h, 30m, 3600s',
    },
    origin: {
      type: 'string',
      multiple: true,
      valueName: '<origin>',
      description: 'web origin allowed to use the token, e.g. https://app.example (repeatable)',
    },
    json: { type: 'boolean', description: 'print JSON instead of the bare token' },
  },
  async run(args: ParsedArgs, io: CliIO): Promise<number> {
    const expiresIn = parseExpiresIn(args.string('expires-in') ?? '180d', '--expires-in');
    const origins = assertOrigins(args.strings('origin'), '--origin');
    const signing = await readSigningOptions(args);
    const now = new Date();
    const token = await signDeveloperToken({ ...signing, expiresIn, origins, now });
    if (!args.flag('json')) {
      io.stdout.write(`${token}\n`);
      return 0;
    }
    const expiresAt = new Date((Math.floor(now.getTime() / 1000) + expiresIn) * 1000);
    const output = {
      token,
      expiresAt: expiresAt.toISOString(),
      teamId: signing.teamId,
      keyId: signing.keyId,
      origins,
    };
    io.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
    return 0;
  },
};
