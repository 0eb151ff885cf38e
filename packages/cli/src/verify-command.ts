import {
  APPLE_ENDPOINTS,
  AppleMusicAuthError,
  createAppleMusicClient,
  MAX_DEVELOPER_TOKEN_LIFETIME_SECONDS,
  type Storefront,
  TokenError,
} from '@apple-music-auth/core';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { type ParsedArgs, UsageError } from './args.js';
import type { CliIO, Command } from './command.js';
import { signFromFlags, signingOptions } from './token-command.js';

/** The environment variable `verify` reads the token from when the option is absent. */
const TOKEN_VARIABLE = 'APPLE_MUSIC_USER_TOKEN';

/** The emulator convention's variable: `verify` asks that sandbox when `--api-url` is absent. */
const SANDBOX_URL_VARIABLE = 'APPLE_MUSIC_SANDBOX_URL';

/** Lifetime of the developer token signed for one check. */
const CHECK_TOKEN_SECONDS = 600;

/** What a developer token alone may read: a storefront (the sandbox serves it too). */
const DEVELOPER_TOKEN_CHECK_PATH = '/v1/storefronts/us';

/** What `verify` learnt of a developer token from its header and claims. */
interface DeveloperTokenSummary {
  teamId: string;
  keyId: string;
  issuedAt: string;
  expiresAt: string;
  origins: string[];
}

/** `apple-music-auth verify`: checks a developer token, and a Music User Token, against Apple. */
export const verifyCommand: Command = {
  name: 'verify',
  summary: 'check a developer token, and a Music User Token, against Apple or the sandbox',
  usage:
    '(--team-id <id> --key-id <id> --key <file.p8> | --developer-token <jwt>) [--music-user-token <token>]',
  details: [
    "With a Music User Token: prints the storefront of the token's user (GET /v1/me/storefront). Without one: checks the developer token alone (its claims and lifetime here, then GET /v1/storefronts/us).",
    'Asks once, without retrying. Exit code 1 when a token is refused: ERR_USER_TOKEN_REJECTED means the user must sign in again; ERR_DEVELOPER_TOKEN_REJECTED, check the key and ids. With --json, a failure is JSON on stdout ({ "error": { "code", "message", "reason" } }) instead of a line on stderr.',
  ].join('\n'),
  options: {
    ...signingOptions(false),
    'developer-token': {
      type: 'string',
      secret: true,
      valueName: '<jwt>',
      description: 'a developer token to check instead of signing one (never printed)',
    },
    'music-user-token': {
      type: 'string',
      secret: true,
      valueName: '<token>',
      description: `the Music User Token to check (never printed); default: $${TOKEN_VARIABLE}, which keeps it out of shell history and ps`,
    },
    'api-url': {
      type: 'string',
      valueName: '<url>',
      description: `Apple Music API base URL (default $${SANDBOX_URL_VARIABLE} when set, else ${APPLE_ENDPOINTS.api}): https, or http on loopback, e.g. the sandbox`,
    },
    json: { type: 'boolean', description: 'print JSON, on failure too' },
  },
  async run(args: ParsedArgs, io: CliIO): Promise<number> {
    const developerToken = await developerTokenToCheck(args, io);
    const summary = summarize(developerToken, Date.now());
    const musicUserToken =
      args.string('music-user-token') || (io.env ?? process.env)[TOKEN_VARIABLE] || undefined;
    const apiURL = apiURLOf(args, io);
    const upstream = describeAPI(apiURL.url);
    const client = apiURL.check(() =>
      createAppleMusicClient({
        getDeveloperToken: () => Promise.resolve(developerToken),
        maxRetries: 0,
        apiURL: apiURL.url,
      }),
    );
    let storefront: Storefront | undefined;
    try {
      if (musicUserToken === undefined) await client.fetch(DEVELOPER_TOKEN_CHECK_PATH);
      else storefront = await client.verifyMusicUserToken(musicUserToken);
    } catch (error) {
      throw inTheCommandsWords(error, upstream, args.string('developer-token') !== undefined);
    } finally {
      await client.close();
    }
    if (args.flag('json')) {
      const output = { valid: true, api: apiURL.url, developerToken: summary };
      io.stdout.write(
        `${JSON.stringify(storefront ? { ...output, storefront } : output, null, 2)}\n`,
      );
    } else if (storefront === undefined) {
      io.stdout.write(
        `Valid developer token (${upstream} accepted it): team ${summary.teamId}, key ${summary.keyId}, expires ${summary.expiresAt}.\n`,
      );
    } else {
      io.stdout.write(
        `Valid Music User Token (${upstream} accepted it). Storefront: ${storefront.id} (${storefront.name}), language ${storefront.defaultLanguageTag}, explicit content ${storefront.explicitContentPolicy}.\n`,
      );
    }
    return 0;
  },
};

/** The token given with `--developer-token`, or one signed with the key and ids for this check. */
async function developerTokenToCheck(args: ParsedArgs, io: CliIO): Promise<string> {
  const given = args.string('developer-token');
  const signing = ['team-id', 'key-id', 'key'];
  const missing = signing.filter((name) => args.string(name) === undefined);
  if (given !== undefined) {
    if (missing.length < signing.length) {
      throw new UsageError('give --developer-token or --team-id, --key-id and --key, not both');
    }
    return given;
  }
  if (missing.length > 0) {
    throw new UsageError(
      `missing ${missing.map((name) => `--${name}`).join(', ')} (or give --developer-token <jwt> to check a token you have)`,
    );
  }
  return (await signFromFlags(args, io, { expiresIn: CHECK_TOKEN_SECONDS })).token;
}

/**
 * Reads a developer token's header and claims and checks what Apple would
 * refuse anyway (the algorithm, the ids' presence, the lifetime), so that
 * such a token is explained without asking Apple.
 */
function summarize(token: string, now: number): DeveloperTokenSummary {
  let header: ReturnType<typeof decodeProtectedHeader>;
  let claims: ReturnType<typeof decodeJwt>;
  try {
    header = decodeProtectedHeader(token);
    claims = decodeJwt(token);
  } catch (cause) {
    throw new AppleMusicAuthError(
      'ERR_INVALID_OPTIONS',
      'Invalid option `--developer-token`: it is not a JWT (three base64url parts separated by dots, the middle one JSON claims); pass the token as `apple-music-auth token` prints it.',
      { cause },
    );
  }
  const { iss, iat, exp } = claims;
  if (header.alg !== 'ES256' || typeof header.kid !== 'string' || typeof iss !== 'string') {
    throw refusedHere(
      `needs alg ES256 and a kid (your Key ID) in its header and an iss (your Team ID) claim; it has alg ${String(header.alg)}, kid ${header.kid === undefined ? 'none' : 'set'}, iss ${iss === undefined ? 'none' : 'set'}`,
    );
  }
  if (typeof iat !== 'number' || typeof exp !== 'number') {
    throw refusedHere('needs iat and exp claims (seconds since 1970)');
  }
  const seconds = Math.floor(now / 1000);
  if (exp <= seconds) throw refusedHere(`expired at ${isoTime(exp)}: sign a new one`);
  if (iat > seconds + 60) {
    throw refusedHere(`is issued in the future (iat ${isoTime(iat)}): check the signing clock`);
  }
  if (exp - iat > MAX_DEVELOPER_TOKEN_LIFETIME_SECONDS) {
    throw refusedHere(
      `lives ${Math.round((exp - iat) / 86_400)} days (exp - iat); Apple refuses developer tokens over about six months: sign one for at most 180d`,
    );
  }
  const origins = Array.isArray(claims.origin) ? claims.origin.map(String) : [];
  if (origins.length > 0) {
    throw refusedHere(
      `has an origin claim (${origins.join(', ')}): it is a browser token, which Apple refuses for calls without that Origin, such as this one; check the server's token (signed without --origin)`,
    );
  }
  return {
    teamId: iss,
    keyId: header.kid,
    issuedAt: isoTime(iat),
    expiresAt: isoTime(exp),
    origins,
  };
}

function refusedHere(problem: string): TokenError {
  return new TokenError(
    'ERR_DEVELOPER_TOKEN_REJECTED',
    `The developer token ${problem} (checked here; the API was not asked).`,
  );
}

function isoTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}

/**
 * The API to ask: `--api-url`, else `$APPLE_MUSIC_SANDBOX_URL` (core's
 * emulator convention), else Apple's. Always passed to core explicitly, so
 * core reads no environment of its own; `check` names the variable, not
 * `--api-url`, when the variable's URL is the bad option.
 */
function apiURLOf(args: ParsedArgs, io: CliIO): { url: string; check<T>(create: () => T): T } {
  const flag = args.string('api-url');
  const variable =
    flag === undefined ? (io.env ?? process.env)[SANDBOX_URL_VARIABLE] || undefined : undefined;
  return {
    url: flag ?? variable ?? APPLE_ENDPOINTS.api,
    check(create) {
      try {
        return create();
      } catch (error) {
        if (variable === undefined || !(error instanceof AppleMusicAuthError)) throw error;
        throw new AppleMusicAuthError(
          'ERR_INVALID_OPTIONS',
          `${error.message.replace(/^Invalid option `apiURL`/, `Invalid environment variable \`${SANDBOX_URL_VARIABLE}\``)} Fix it or unset it, or give --api-url.`,
        );
      }
    },
  };
}

/**
 * Who answers at `apiURL`: Apple, the sandbox (core accepts plain http only
 * on loopback, where the sandbox runs), or another API such as a proxy.
 */
function describeAPI(apiURL: string): string {
  if (!URL.canParse(apiURL)) return 'Apple';
  const { origin, protocol } = new URL(apiURL);
  if (origin === new URL(APPLE_ENDPOINTS.api).origin) return 'Apple';
  return protocol === 'http:' ? `the sandbox at ${origin}` : `the API at ${origin}`;
}

/**
 * A refused token, said in the command's words: who refused it, why when
 * it said, and which flags to check. Other errors go on unchanged.
 */
function inTheCommandsWords(error: unknown, upstream: string, given: boolean): unknown {
  if (!(error instanceof TokenError)) return error;
  const who = `${upstream[0]?.toUpperCase()}${upstream.slice(1)}`;
  const reason = error.upstreamReason;
  const why = reason === undefined ? '' : `: ${reason}`;
  const options = { cause: error, ...(reason === undefined ? {} : { upstreamReason: reason }) };
  if (error.code === 'ERR_USER_TOKEN_REJECTED') {
    return new TokenError(
      error.code,
      `${who} rejected the Music User Token${why}. The user must sign in with Apple Music again.`,
      options,
    );
  }
  const fix = given
    ? "Check the token's iss (your Team ID) and kid (your Key ID), and that it was signed with that key."
    : upstream.startsWith('the sandbox')
      ? 'Check --team-id, --key-id and --key: they must be the ones the sandbox was started with.'
      : 'Check --team-id, --key-id and --key: the key must be the MusicKit key of that Key ID, in that team.';
  return new TokenError(error.code, `${who} rejected the developer token${why}. ${fix}`, options);
}
