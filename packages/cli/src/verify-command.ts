import { verifyMusicUserToken } from '../apple-client.js';
import { APPLE_ENDPOINTS } from '../apple-endpoints.js';
import { signDeveloperToken } from '../developer-token.js';
import { type ParsedArgs, UsageError } from './args.js';
import type { CliIO, Command } from './command.js';
import { readSigningOptions, signingOptions } from './token-command.js';

/** The environment variable `verify` reads the token from when the option is absent. */
const TOKEN_VARIABLE = 'APPLE_MUSIC_USER_TOKEN';

/** Lifetime of the developer token signed for one check. */
const CHECK_TOKEN_SECONDS = 600;

/** `apple-music-auth verify`: checks a Music User Token against Apple. */
export const verifyCommand: Command = {
  name: 'verify',
  summary: 'check a Music User Token against Apple (GET /v1/me/storefront)',
  details:
    "Prints the storefront of the token's user, or the error code and message (ERR_USER_TOKEN_REJECTED: the user must sign in again; ERR_DEVELOPER_TOKEN_REJECTED: check the key and ids). Exit code 1 when the token is rejected.",
  options: {
    'music-user-token': {
      type: 'string',
      secret: true,
      valueName: '<token>',
      description: `the Music User Token to check (never printed); default: $${TOKEN_VARIABLE}, which keeps it out of shell history and ps`,
    },
    ...signingOptions,
    'api-url': {
      type: 'string',
      valueName: '<url>',
      description: `Apple Music API base URL (default ${APPLE_ENDPOINTS.api}), e.g. the sandbox`,
    },
    json: { type: 'boolean', description: 'print JSON' },
  },
  async run(args: ParsedArgs, io: CliIO): Promise<number> {
    const musicUserToken =
      args.string('music-user-token') ?? (io.env ?? process.env)[TOKEN_VARIABLE];
    if (musicUserToken === undefined || musicUserToken === '') {
      throw new UsageError(`give --music-user-token <token> or set ${TOKEN_VARIABLE}`);
    }
    const apiURL = args.string('api-url');
    if (apiURL !== undefined && !URL.canParse(apiURL)) {
      throw new UsageError(`option --api-url must be an absolute URL, e.g. ${APPLE_ENDPOINTS.api}`);
    }
    const signing = await readSigningOptions(args, io);
    const developerToken = await signDeveloperToken({ ...signing, expiresIn: CHECK_TOKEN_SECONDS });
    const storefront = await verifyMusicUserToken({
      developerToken,
      musicUserToken,
      ...(apiURL === undefined ? {} : { apiURL }),
    });
    if (args.flag('json')) {
      io.stdout.write(`${JSON.stringify({ valid: true, storefront }, null, 2)}\n`);
    } else {
      io.stdout.write(
        `Valid Music User Token. Storefront: ${storefront.id} (${storefront.name}), language ${storefront.defaultLanguageTag}, explicit content ${storefront.explicitContentPolicy}.\n`,
      );
    }
    return 0;
  },
};
