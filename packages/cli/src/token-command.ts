import { basename } from 'node:path';
import { signDeveloperToken } from '@apple-music-auth/core';
import { readPrivateKey } from '@apple-music-auth/core/node';
import { decodeJwt } from 'jose';
import { type OptionSpecs, type ParsedArgs, UsageError } from './args.js';
import { type CliIO, type Command, warn } from './command.js';

/** The options of every command that signs a developer token; `required` as the command needs. */
export function signingOptions(required: boolean) {
  return {
    'team-id': {
      type: 'string',
      required,
      valueName: '<id>',
      description: 'Team ID: 10 characters, on the Membership page of your developer account',
    },
    'key-id': {
      type: 'string',
      required,
      valueName: '<id>',
      description: 'Key ID of the MusicKit key: 10 characters, as in AuthKey_<KEYID>.p8',
    },
    key: {
      type: 'string',
      required,
      valueName: '<file.p8>',
      description: 'path of the AuthKey_<KEYID>.p8 file Apple gave you',
    },
  } as const satisfies OptionSpecs;
}

/** A developer token signed from the command line, with the ids it carries. */
export interface SignedFromFlags {
  token: string;
  teamId: string;
  keyId: string;
}

/**
 * Signs a developer token with the key file and ids of the signing options.
 * Core checks the ids (its messages get the flags' names in `run.ts`); once
 * they pass, warns when `--key-id` differs from the id in the file's name.
 */
export async function signFromFlags(
  args: ParsedArgs,
  io: CliIO,
  claims: { expiresIn: number | string; origins?: string[] },
): Promise<SignedFromFlags> {
  const teamId = args.required('team-id');
  const keyId = args.required('key-id');
  const keyPath = args.required('key');
  const privateKey = await readPrivateKey(keyPath);
  const token = await signDeveloperToken({ teamId, keyId, privateKey, ...claims });
  warnOnKeyIdMismatch(io, keyId, keyPath);
  return { token, teamId, keyId };
}

/**
 * Apple names each key file `AuthKey_<KEYID>.p8`; a `--key-id` that differs
 * from that name is usually a copy-paste slip, and Apple would refuse every
 * token signed with it. Renamed files carry no id, so nothing is said then.
 */
export function warnOnKeyIdMismatch(io: CliIO, keyId: string, keyPath: string): void {
  const fileKeyId = /^AuthKey_([A-Za-z0-9]+)\.p8$/i.exec(basename(keyPath))?.[1];
  if (fileKeyId === undefined || fileKeyId === keyId) return;
  warn(
    io,
    `--key-id ${keyId} differs from the key file's name ${basename(keyPath)}; Apple names each .p8 after its Key ID, so Apple will refuse tokens signed with --key-id ${keyId} if this file holds key ${fileKeyId}.`,
  );
}

/**
 * Reads `--expires-in`. A bare number would be seconds, which nobody means
 * on the command line (`--expires-in 5`), so the CLI asks for a unit;
 * everything else is read by core, as in the library.
 */
function readExpiresIn(value: string | undefined): string {
  const bare = /^\s*(\d+(?:\.\d+)?)\s*$/.exec(value ?? '')?.[1];
  if (bare !== undefined) {
    throw new UsageError(
      `option --expires-in ${bare} has no unit: write ${bare}s for seconds, or ${bare}m, ${bare}h, ${bare}d or "${bare} days" (at most 180d)`,
    );
  }
  return value ?? '180d';
}

/** `apple-music-auth token`: mints a developer token from a `.p8` file. */
export const tokenCommand: Command = {
  name: 'token',
  summary: 'sign a developer token with your .p8 key',
  details:
    'Prints the token on one line (or, with --json, the token, its expiry as ISO 8601, the ids and the origins).',
  options: {
    ...signingOptions(true),
    'expires-in': {
      type: 'string',
      valueName: '<time>',
      description:
        'lifetime with a unit: 180d (the default and maximum), "2 days", 12h, 30m, 3600s',
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
    const expiresIn = readExpiresIn(args.string('expires-in'));
    const origins = args.strings('origin');
    const { token, teamId, keyId } = await signFromFlags(args, io, { expiresIn, origins });
    if (!args.flag('json')) {
      io.stdout.write(`${token}\n`);
      return 0;
    }
    const claims = decodeJwt(token);
    const output = {
      token,
      expiresAt: new Date((claims.exp ?? 0) * 1000).toISOString(),
      teamId,
      keyId,
      origins: (claims.origin as string[] | undefined) ?? [],
    };
    io.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
    return 0;
  },
};
