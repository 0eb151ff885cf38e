import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AppleMusicAuth,
  createAppleMusicAuth,
  signDeveloperToken,
} from '@apple-music-auth/core';
import { readPrivateKey } from '@apple-music-auth/core/node';
import { POPUP_OUTCOMES, type Sandbox, startSandbox } from '@apple-music-auth/sandbox';
import { decodeJwt, jwtVerify } from 'jose';
import { http } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { verifiedClaims } from '../../../testing/developer-token-route.js';
import { run } from '../src/run.js';

/** A fresh P-256 key pair, as Apple's `.p8` text and as the public KeyObject. */
function generateP256() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { pem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, publicKey };
}

const key = generateP256();
const teamId = 'ABCDE12345';
const keyId = 'KEY1234567';
const musicUserToken = 'AmUt0kenSecretValue+/=42';
const dir = mkdtempSync(join(tmpdir(), 'amauth-cli-'));
const keyFile = join(dir, `AuthKey_${keyId}.p8`);
writeFileSync(keyFile, key.pem);
const signing = ['--team-id', teamId, '--key-id', keyId, '--key', keyFile];

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI in-process and collects what it writes. */
async function cli(...argv: string[]) {
  return cliWithEnv({}, ...argv);
}

/** The same, with these environment variables instead of the process's. */
async function cliWithEnv(env: Record<string, string>, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, {
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk) },
    env,
  });
  return { code, stdout, stderr };
}

/** An error is one line to stderr, prefixed, without a stack trace or the user token. */
function expectOneErrorLine(stderr: string, pattern: RegExp) {
  expect(stderr).toMatch(/^apple-music-auth: [^\n]+\n$/);
  expect(stderr).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /);
  expect(stderr).not.toMatch(/unexpected error/);
  expect(stderr).not.toContain(musicUserToken);
}

/** The claims and `kid` of a token signed by `key`, checked by jose and by Node's own ECDSA. */
async function verifyDeveloperToken(token: string) {
  const { payload, protectedHeader } = await jwtVerify(token, key.publicKey, {
    algorithms: ['ES256'],
    issuer: teamId,
  });
  expect(verifiedClaims(token, key.publicKey)).toEqual(payload);
  return { payload, kid: protectedHeader.kid };
}

describe('apple-music-auth token', () => {
  it('prints a developer token on one line', async () => {
    const before = Math.floor(Date.now() / 1000);
    const { code, stdout, stderr } = await cli('token', ...signing);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const { payload, kid } = await verifyDeveloperToken(stdout.trim());
    expect(kid).toBe(keyId);
    expect(Object.keys(payload).sort()).toEqual(['exp', 'iat', 'iss']);
    expect(payload.iat).toBeGreaterThanOrEqual(before - 60);
    expect(payload.exp).toBe((payload.iat ?? 0) + 15_552_000);
  });

  it('prints JSON with the expiry, ids and the origins of the token', async () => {
    const { code, stdout } = await cli(
      'token',
      ...signing,
      '--expires-in',
      '12h',
      '--origin',
      'https://app.example',
      '--origin=http://localhost:5173',
      '--json',
    );
    expect(code).toBe(0);
    const output = JSON.parse(stdout) as Record<string, unknown>;
    expect(Object.keys(output)).toEqual(['token', 'expiresAt', 'teamId', 'keyId', 'origins']);
    const { payload } = await verifyDeveloperToken(output.token as string);
    expect(payload.exp).toBe((payload.iat ?? 0) + 12 * 3600);
    expect(payload.origin).toEqual(['https://app.example', 'http://localhost:5173']);
    expect(output).toMatchObject({
      expiresAt: new Date((payload.exp ?? 0) * 1000).toISOString(),
      teamId,
      keyId,
      origins: ['https://app.example', 'http://localhost:5173'],
    });
  });

  it.each([
    [['--team-id', 'abcde12345'], /ERR_INVALID_OPTIONS: Invalid option `--team-id`.*uppercase/],
    [['--key-id', 'KEY'], /ERR_INVALID_OPTIONS: Invalid option `--key-id`.*AuthKey_<KEYID>.p8/],
    [['--expires-in', '181d'], /ERR_INVALID_OPTIONS: Invalid option `--expires-in`.*180 days/],
    [
      ['--origin', 'https://app.example/x'],
      /ERR_INVALID_OPTIONS: Invalid option `--origin`: must be a web origin .*got "https:\/\/app.example\/x"/,
    ],
    [
      ['--origin', 'app.example'],
      /Invalid option `--origin`: must be a web origin \(scheme, host and optional port, no path\), e\.g\. 'https:\/\/app\.example', got "app\.example"\. Add the scheme: 'https:\/\/app\.example'/,
    ],
    [
      ['--expires-in', '2 fortnights'],
      /Invalid option `--expires-in`: expected seconds .*'2 days'/,
    ],
    [
      ['--key', join(dir, 'missing.p8')],
      /ERR_INVALID_KEY: Cannot read .*missing\.p8: no such file/,
    ],
  ])('fails with exit code 1 on %j, naming the flag', async (override, pattern) => {
    const argv = [...signing];
    for (let index = 0; index < override.length; index += 2) {
      const at = argv.indexOf(override[index] ?? '');
      if (at === -1) argv.push(override[index] ?? '', override[index + 1] ?? '');
      else argv[at + 1] = override[index + 1] ?? '';
    }
    const { code, stdout, stderr } = await cli('token', ...argv);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expectOneErrorLine(stderr, pattern);
  });

  it('writes a library failure as JSON on stdout with --json (a usage error stays a line on stderr)', async () => {
    const { code, stdout, stderr } = await cli('token', ...signing, '--json', '--key-id', 'KEY');
    expect(code).toBe(2);
    expectOneErrorLine(stderr, /option --key-id is given more than once/);
    expect(stdout).toBe('');

    const failed = await cli(
      'token',
      ...signing.slice(0, 2),
      '--key-id',
      'KEY',
      ...signing.slice(4),
      '--json',
    );
    expect(failed.code).toBe(1);
    expect(failed.stderr).toBe('');
    expect(JSON.parse(failed.stdout)).toEqual({
      error: {
        code: 'ERR_INVALID_OPTIONS',
        message: expect.stringMatching(/^Invalid option `--key-id`: must be exactly 10/),
      },
    });
  });

  it.each([
    ['2 days', 172_800],
    ['10h', 36_000],
    ['7d', 604_800],
    ['3600s', 3600],
  ])('reads --expires-in %j as %i seconds, as the library does', async (expiresIn, seconds) => {
    const { code, stdout } = await cli('token', ...signing, '--expires-in', expiresIn, '--json');
    expect(code).toBe(0);
    const { payload } = await verifyDeveloperToken((JSON.parse(stdout) as { token: string }).token);
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(seconds);
  });

  it('asks for a unit when --expires-in is a bare number, instead of meaning seconds', async () => {
    const { code, stdout, stderr } = await cli('token', ...signing, '--expires-in', '5');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expectOneErrorLine(
      stderr,
      /option --expires-in 5 has no unit: write 5s for seconds, or 5m, 5h, 5d or "5 days" \(at most 180d\)/,
    );
    expect((await cli('token', '--help')).stdout).toMatch(
      /--expires-in <time> +lifetime with a unit/,
    );
  });

  it('warns when --key-id differs from the AuthKey_<ID>.p8 file name, and still signs', async () => {
    const otherId = 'OTHER12345';
    const { code, stdout, stderr } = await cli(
      'token',
      ...signing.slice(0, 2),
      '--key-id',
      otherId,
      '--key',
      keyFile,
    );
    expect(code).toBe(0);
    expect(stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    expect(stderr).toBe(
      `apple-music-auth: warning: --key-id ${otherId} differs from the key file's name AuthKey_${keyId}.p8; Apple names each .p8 after its Key ID, so Apple will refuse tokens signed with --key-id ${otherId} if this file holds key ${keyId}.\n`,
    );
    const renamed = join(dir, 'signing-key.p8');
    writeFileSync(renamed, key.pem);
    const quiet = await cli('token', ...signing.slice(0, 2), '--key-id', otherId, '--key', renamed);
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');
  });

  it('says a key file holding plain text is not a key', async () => {
    const textFile = join(dir, 'notes.txt');
    writeFileSync(textFile, 'hello world\n');
    const { code, stderr } = await cli('token', ...signing.slice(0, 4), '--key', textFile);
    expect(code).toBe(1);
    expectOneErrorLine(
      stderr,
      /ERR_INVALID_KEY: .*notes\.txt: Invalid private key: the value is not a key: it is plain text/,
    );
    expect(stderr).not.toMatch(/is base64/);
  });

  it('names the key file when it holds the wrong key', async () => {
    const publicFile = join(dir, 'public.pem');
    writeFileSync(publicFile, key.publicKey.export({ type: 'spki', format: 'pem' }));
    const { code, stderr } = await cli('token', ...signing.slice(0, 4), '--key', publicFile);
    expect(code).toBe(1);
    expectOneErrorLine(stderr, /ERR_INVALID_KEY: .*public\.pem: Invalid private key: .*public key/);
  });
});

describe('usage', () => {
  it('prints the overview with --help, help and -h', async () => {
    for (const flag of ['--help', '-h', 'help']) {
      const { code, stdout } = await cli(flag);
      expect(code).toBe(0);
      expect(stdout).toMatch(/^Usage: apple-music-auth <command> \[options\]/);
      expect(stdout).toMatch(/\n {2}token {4}sign a developer token/);
      expect(stdout).toMatch(/\n {2}verify {3}check a developer token, and a Music User Token/);
      expect(stdout).toMatch(/\n {2}sandbox {2}start the Apple emulator/);
    }
  });

  it("prints a command's options", async () => {
    const { code, stdout } = await cli('token', '--help');
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^Usage: apple-music-auth token --team-id <id> --key-id <id> --key <file.p8> \[options\]/,
    );
    for (const option of ['--expires-in <time>', '--origin <origin>', '--json', '--help']) {
      expect(stdout).toContain(option);
    }
    expect((await cli('help', 'verify')).stdout).toMatch(
      /Usage: apple-music-auth verify \(--team-id <id> --key-id <id> --key <file\.p8> \| --developer-token <jwt>\) \[--music-user-token <token>\] \[options\]/,
    );
    expect((await cli('verify', '-h', '--music-user-token', musicUserToken)).stdout).toContain(
      '--api-url <url>',
    );
    expect((await cli('sandbox', '--help')).stdout).toMatch(
      /^Usage: apple-music-auth sandbox \[options\]/,
    );
  });

  it('prints the version of the package', async () => {
    const manifest = JSON.parse(
      readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
    ) as { version: string };
    for (const flag of ['--version', '-v']) {
      expect(await cli(flag)).toEqual({ code: 0, stdout: `${manifest.version}\n`, stderr: '' });
    }
  });

  it('prints the overview to stderr with exit code 2 when no command is given', async () => {
    const { code, stdout, stderr } = await cli();
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^Usage: apple-music-auth/);
  });

  it.each([
    [
      ['mint'],
      /unknown command 'mint'; the commands are token, verify, sandbox \(see 'apple-music-auth --help'\)/,
    ],
    [['tokn', ...signing], /unknown command 'tokn' \(did you mean 'token'\?\); the commands are/],
    [['verfy'], /unknown command 'verfy' \(did you mean 'verify'\?\)/],
    [['Sandbx'], /unknown command 'Sandbx' \(did you mean 'sandbox'\?\)/],
    [[musicUserToken], /unknown command; the commands are token, verify, sandbox/],
    [
      ['token', ...signing, '--orgin', 'https://app.example'],
      /unknown option --orgin \(did you mean --origin\?\) \(see 'apple-music-auth token --help'\)/,
    ],
    [['--team-id'], /unknown option --team-id; the commands are token, verify/],
    [[`--music-user-token=${musicUserToken}`], /unknown option --music-user-token; the commands/],
    [
      ['token', ...signing, '--frobnicate'],
      /unknown option --frobnicate \(see 'apple-music-auth token --help'\)/,
    ],
    [['token', ...signing, '-x'], /unknown option -x/],
    [['token', '--team-id', teamId], /missing --key-id, --key/],
    [['token', ...signing, 'extra'], /unexpected argument: this command takes only --options/],
    [
      ['token', ...signing, '--', 'extra'],
      /unexpected argument: this command takes only --options/,
    ],
    [['token', ...signing, '--expires-in'], /option --expires-in needs a value/],
    [['token', '--team-id', '--key-id', keyId, '--key', keyFile], /option --team-id needs a value/],
    [['token', ...signing, '--origin='], /option --origin needs a value/],
    [['token', ...signing, '--team-id', teamId], /option --team-id is given more than once/],
    [['token', ...signing, '--json=yes'], /option --json takes no value/],
    [['verify', '--team-id', teamId], /missing --key-id, --key \(or give --developer-token <jwt>/],
    [
      ['verify', '--developer-token', musicUserToken, ...signing],
      /give --developer-token or --team-id, --key-id and --key, not both/,
    ],
    [
      ['verify', '--music-user-token', musicUserToken, ...signing, musicUserToken],
      /unexpected argument/,
    ],
    [
      ['verify', `--music-user-tokn=${musicUserToken}`, ...signing],
      /unknown option --music-user-tokn \(did you mean --music-user-token\?\)/,
    ],
  ])('exits with 2 on %j', async (argv, pattern) => {
    const { code, stdout, stderr } = await cli(...argv);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expectOneErrorLine(stderr, pattern);
  });

  it('reports an unexpected failure in one line with exit code 1', async () => {
    const failing = {
      stdout: {
        write: () => {
          throw new Error('write EPIPE\n    at Socket.write (node:net:1:1)');
        },
      },
      stderr: { write: (chunk: string) => (stderr += chunk) },
    };
    let stderr = '';
    const code = await run(['token', ...signing], failing);
    expect(code).toBe(1);
    expect(stderr).toBe(
      'apple-music-auth: unexpected error: write EPIPE at Socket.write (node:net:1:1)\n',
    );
  });
});

describe('apple-music-auth verify', () => {
  let sandbox: Sandbox;
  let apiURL = '';
  const seen: { authorization: string | null; musicUserToken: string | null; path: string }[] = [];

  beforeAll(async () => {
    sandbox = await startSandbox({ teamId, keyId, publicKey: key.pem });
    apiURL = sandbox.apiURL;
  });
  afterEach(() => sandbox.resetHandlers());
  afterAll(() => sandbox.close());

  /** Records what reaches the sandbox's API, then lets the sandbox answer. */
  function recordRequests() {
    seen.length = 0;
    sandbox.use(
      http.get('*/v1/*', ({ request }) => {
        seen.push({
          authorization: request.headers.get('authorization'),
          musicUserToken: request.headers.get('music-user-token'),
          path: new URL(request.url).pathname,
        });
      }),
    );
  }

  it('prints the storefront of a valid token, sending both tokens as headers, once', async () => {
    recordRequests();
    const userToken = sandbox.issueToken();
    const { code, stdout, stderr } = await cli(
      'verify',
      '--music-user-token',
      userToken,
      ...signing,
      '--api-url',
      apiURL,
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toBe(
      `Valid Music User Token (the sandbox at ${apiURL} accepted it). Storefront: us (United States), language en-US, explicit content allowed.\n`,
    );
    expect(stdout).not.toContain(userToken);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ musicUserToken: userToken, path: '/v1/me/storefront' });
    const { payload } = await verifyDeveloperToken(
      seen[0]?.authorization?.replace('Bearer ', '') ?? '',
    );
    expect(payload.exp).toBe((payload.iat ?? 0) + 600);
    expect(payload).not.toHaveProperty('origin');
  });

  it('reads the token from APPLE_MUSIC_USER_TOKEN, keeping it out of argv', async () => {
    recordRequests();
    const userToken = sandbox.issueToken();
    const { code, stdout } = await cliWithEnv(
      { APPLE_MUSIC_USER_TOKEN: userToken },
      'verify',
      ...signing,
      '--api-url',
      apiURL,
    );
    expect(code).toBe(0);
    expect(stdout).toContain('Storefront: us (United States)');
    expect(seen.at(-1)?.musicUserToken).toBe(userToken);
  });

  it('prints JSON with --json: the API, the developer token read back, the storefront', async () => {
    const { code, stdout } = await cli(
      'verify',
      `--music-user-token=${sandbox.issueToken()}`,
      ...signing,
      '--api-url',
      `${apiURL}/`,
      '--json',
    );
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      valid: true,
      api: `${apiURL}/`,
      developerToken: {
        teamId,
        keyId,
        issuedAt: expect.any(String),
        expiresAt: expect.any(String),
        origins: [],
      },
      storefront: {
        id: 'us',
        name: 'United States',
        defaultLanguageTag: 'en-US',
        explicitContentPolicy: 'allowed',
      },
    });
  });

  it("reports a rejected user token (403) with the sandbox's reason, as JSON with --json", async () => {
    const revoked = sandbox.issueToken();
    sandbox.revokeToken(revoked);
    const argv = ['verify', '--music-user-token', revoked, ...signing, '--api-url', apiURL];
    const text = await cli(...argv);
    expect(text.code).toBe(1);
    expect(text.stdout).toBe('');
    expectOneErrorLine(
      text.stderr,
      /^apple-music-auth: ERR_USER_TOKEN_REJECTED: The sandbox at http:\/\/127\.0\.0\.1:\d+ rejected the Music User Token: the Music-User-Token is unknown to this sandbox, or was revoked\. The user must sign in with Apple Music again\.\n$/,
    );
    expect(text.stderr).not.toContain(revoked);

    const json = await cli(...argv, '--json');
    expect(json.code).toBe(1);
    expect(json.stderr).toBe('');
    expect(json.stdout).not.toContain(revoked);
    expect(JSON.parse(json.stdout)).toEqual({
      error: {
        code: 'ERR_USER_TOKEN_REJECTED',
        message: expect.stringMatching(/^The sandbox at .* rejected the Music User Token: /),
        reason: 'the Music-User-Token is unknown to this sandbox, or was revoked',
      },
    });
  });

  it('reports a rejected developer token (401) naming the flags and the reason', async () => {
    const other = generateP256();
    const otherFile = join(dir, 'AuthKey_OTHER00000.p8');
    writeFileSync(otherFile, other.pem);
    const { code, stderr } = await cli(
      'verify',
      '--music-user-token',
      musicUserToken,
      ...signing.slice(0, 4),
      '--key',
      otherFile,
      '--api-url',
      apiURL,
    );
    expect(code).toBe(1);
    const [warning, error] = stderr.split(/(?<=\n)/);
    expect(warning).toMatch(
      /^apple-music-auth: warning: --key-id KEY1234567 differs from the key file's name AuthKey_OTHER00000\.p8;/,
    );
    expectOneErrorLine(
      error ?? '',
      /^apple-music-auth: ERR_DEVELOPER_TOKEN_REJECTED: The sandbox at http:\/\/127\.0\.0\.1:\d+ rejected the developer token: the developer token signature does not verify with the configured public key .*\. Check --team-id, --key-id and --key: they must be the ones the sandbox was started with\.\n$/,
    );
    expect(error).not.toMatch(/teamId|keyId/);
  });

  it('checks a developer token alone: signed from the flags, or given', async () => {
    recordRequests();
    const signed = await cli('verify', ...signing, '--api-url', apiURL);
    expect(signed.stderr).toBe('');
    expect(signed.code).toBe(0);
    expect(signed.stdout).toMatch(
      new RegExp(
        `^Valid developer token \\(the sandbox at ${apiURL.replaceAll('.', '\\.')} accepted it\\): team ${teamId}, key ${keyId}, expires \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\.\\n$`,
      ),
    );
    expect(seen).toEqual([
      {
        authorization: expect.stringMatching(/^Bearer /),
        musicUserToken: null,
        path: '/v1/storefronts/us',
      },
    ]);

    const developerToken = await signDeveloperToken({
      teamId,
      keyId,
      privateKey: key.pem,
      expiresIn: '1h',
    });
    const given = await cli(
      'verify',
      '--developer-token',
      developerToken,
      '--api-url',
      apiURL,
      '--json',
    );
    expect(given.code).toBe(0);
    const { exp, iat } = decodeJwt(developerToken);
    expect(JSON.parse(given.stdout)).toEqual({
      valid: true,
      api: apiURL,
      developerToken: {
        teamId,
        keyId,
        issuedAt: new Date((iat ?? 0) * 1000).toISOString(),
        expiresAt: new Date((exp ?? 0) * 1000).toISOString(),
        origins: [],
      },
    });
    expect(seen.at(-1)?.authorization).toBe(`Bearer ${developerToken}`);
  });

  it('reports a given developer token the sandbox refuses, with its reason and what to check', async () => {
    const otherTeam = await signDeveloperToken({
      teamId: 'OTHER12345',
      keyId,
      privateKey: key.pem,
    });
    const { code, stderr } = await cli(
      'verify',
      '--developer-token',
      otherTeam,
      '--api-url',
      apiURL,
    );
    expect(code).toBe(1);
    expectOneErrorLine(
      stderr,
      /ERR_DEVELOPER_TOKEN_REJECTED: The sandbox at .* rejected the developer token: .*iss.*\. Check the token's iss \(your Team ID\) and kid \(your Key ID\), and that it was signed with that key\./,
    );
    expect(stderr).not.toContain(otherTeam);
  });

  it.each([
    [
      'an expired one',
      { expiresIn: 60, now: new Date(Date.now() - 3_600_000) },
      /The developer token expired at \d{4}-.*Z: sign a new one \(checked here; the API was not asked\)/,
    ],
    [
      'one with an origin claim (a browser token)',
      { origins: ['https://app.example'] },
      /has an origin claim \(https:\/\/app\.example\): it is a browser token, which Apple refuses .*signed without --origin/,
    ],
  ])('refuses %s without asking the API', async (_name, options, pattern) => {
    recordRequests();
    const token = await signDeveloperToken({ teamId, keyId, privateKey: key.pem, ...options });
    const { code, stderr } = await cli('verify', '--developer-token', token, '--api-url', apiURL);
    expect(code).toBe(1);
    expectOneErrorLine(stderr, pattern);
    expect(stderr).toMatch(/^apple-music-auth: ERR_DEVELOPER_TOKEN_REJECTED: /);
    expect(seen).toEqual([]);
  });

  it('says a --developer-token that is not a JWT is not one, without echoing it', async () => {
    const { code, stderr, stdout } = await cli(
      'verify',
      '--developer-token',
      musicUserToken,
      '--json',
    );
    expect(code).toBe(1);
    expect(stderr).toBe('');
    expect(stdout).not.toContain(musicUserToken);
    expect(JSON.parse(stdout).error).toEqual({
      code: 'ERR_INVALID_OPTIONS',
      message: expect.stringMatching(/^Invalid option `--developer-token`: it is not a JWT/),
    });
  });

  it('asks the sandbox at $APPLE_MUSIC_SANDBOX_URL without --api-url; --api-url wins', async () => {
    recordRequests();
    const viaVariable = await cliWithEnv({ APPLE_MUSIC_SANDBOX_URL: apiURL }, 'verify', ...signing);
    expect(viaVariable.stderr).toBe('');
    expect(viaVariable.code).toBe(0);
    expect(viaVariable.stdout).toContain(`(the sandbox at ${apiURL} accepted it)`);
    expect(seen).toHaveLength(1);
    const json = await cliWithEnv(
      { APPLE_MUSIC_SANDBOX_URL: apiURL },
      'verify',
      ...signing,
      '--json',
    );
    expect(JSON.parse(json.stdout).api).toBe(apiURL);

    const flagWins = await cliWithEnv(
      { APPLE_MUSIC_SANDBOX_URL: 'http://127.0.0.1:9' },
      'verify',
      ...signing,
      '--api-url',
      apiURL,
    );
    expect(flagWins.code).toBe(0);
    expect(seen).toHaveLength(3);
  });

  it('names $APPLE_MUSIC_SANDBOX_URL, not --api-url, when its URL is refused', async () => {
    const { code, stderr } = await cliWithEnv(
      { APPLE_MUSIC_SANDBOX_URL: 'http://sandbox.example' },
      'verify',
      ...signing,
    );
    expect(code).toBe(1);
    expectOneErrorLine(
      stderr,
      /^apple-music-auth: ERR_INVALID_OPTIONS: Invalid environment variable `APPLE_MUSIC_SANDBOX_URL`: must use https .* Fix it or unset it, or give --api-url\.\n$/,
    );
  });

  it.each([
    [
      'http://api.example',
      /Invalid option `--api-url`: must use https \(http is allowed only for localhost and 127\.0\.0\.1\), got http:\/\/api\.example\./,
    ],
    ['not a url', /Invalid option `--api-url`: must be an absolute http\(s\) URL/],
  ])('refuses --api-url %s before sending any token', async (url, pattern) => {
    const { code, stderr } = await cli(
      'verify',
      '--music-user-token',
      musicUserToken,
      ...signing,
      '--api-url',
      url,
    );
    expect(code).toBe(1);
    expectOneErrorLine(stderr, pattern);
    expect(stderr).toMatch(/^apple-music-auth: ERR_INVALID_OPTIONS: /);
  });
});

describe('apple-music-auth sandbox', () => {
  const throwawayTemp = join(dir, 'os-temp');
  const savedTemp = process.env.TMPDIR;
  beforeAll(() => {
    // The throwaway key goes to the OS temp folder: this test's own.
    process.env.TMPDIR = throwawayTemp;
  });
  afterAll(() => {
    if (savedTemp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTemp;
  });

  /** Starts `sandbox` in-process; resolves once it printed its URLs, or ended. */
  async function startSandboxCommand(...argv: string[]) {
    let stdout = '';
    let stderr = '';
    let stop: () => void = () => {};
    const stopped = new Promise<void>((resolve) => {
      stop = resolve;
    });
    const exit = run(['sandbox', ...argv], {
      stdout: { write: (chunk: string) => (stdout += chunk) },
      stderr: { write: (chunk: string) => (stderr += chunk) },
      stop: stopped,
    });
    let ended = false;
    void exit.then(() => {
      ended = true;
    });
    while (!ended && !stdout.includes('Press Ctrl-C')) await new Promise((r) => setTimeout(r, 10));
    const lines = Object.fromEntries(
      [...stdout.matchAll(/^ {2}export (\w+)=(.*)$/gm)].map(([, name, value]) => [name, value]),
    );
    return { exit, stop, stdout, stderr: () => stderr, lines };
  }

  /** Signs with the printed key and ids and asks the printed API for a storefront. */
  async function storefrontStatus(lines: Record<string, string | undefined>, pem?: string) {
    const token = await signDeveloperToken({
      teamId: lines.APPLE_TEAM_ID ?? '',
      keyId: lines.APPLE_KEY_ID ?? '',
      privateKey: pem ?? readFileSync(lines.APPLE_PRIVATE_KEY_PATH ?? '', 'utf8'),
    });
    const response = await fetch(`${lines.APPLE_MUSIC_SANDBOX_URL}/v1/storefronts/us`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return response.status;
  }

  it('starts without key options on a throwaway key, prints the lines to export, and re-runs on the same key', async () => {
    const first = await startSandboxCommand('--port', '0');
    const keyPath = join(
      throwawayTemp,
      `apple-music-auth-sandbox-${process.getuid?.() ?? ''}`.replace(/-$/, ''),
      'AuthKey_SANDBOXKEY.p8',
    );
    expect(first.stdout).toMatch(
      /^Apple sandbox running at http:\/\/127\.0\.0\.1:\d+, with a new key in /,
    );
    expect(first.lines).toEqual({
      APPLE_TEAM_ID: 'SANDBOX123',
      APPLE_KEY_ID: 'SANDBOXKEY',
      APPLE_PRIVATE_KEY_PATH: keyPath,
      APPLE_MUSIC_SANDBOX_URL: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
    });
    const url = first.lines.APPLE_MUSIC_SANDBOX_URL;
    expect(first.stdout).toContain(`  endpoints.authorize      ${url}/woa\n`);
    expect(first.stdout).toContain(`  endpoints.api            ${url}\n`);
    expect(first.stdout).toContain(`  endpoints.musicKitScript ${url}/musickit/v3/musickit.js\n`);
    expect(first.stdout).toContain(`also at ${url}/.well-known/apple-music-sandbox:\n`);
    const described = await (await fetch(`${url}/.well-known/apple-music-sandbox`)).json();
    expect(described).toMatchObject({ url, teamId: 'SANDBOX123', keyId: 'SANDBOXKEY' });
    expect(await storefrontStatus(first.lines)).toBe(200);
    expect(await storefrontStatus(first.lines, generateP256().pem)).toBe(401);
    const pem = readFileSync(keyPath, 'utf8');
    first.stop();
    expect(await first.exit).toBe(0);

    const again = await startSandboxCommand('--port', '0');
    expect(again.stdout).toMatch(/, with the key in /);
    expect(again.lines.APPLE_PRIVATE_KEY_PATH).toBe(keyPath);
    expect(readFileSync(keyPath, 'utf8')).toBe(pem);
    expect(await storefrontStatus(again.lines)).toBe(200);
    again.stop();
    expect(await again.exit).toBe(0);
  });

  it("prints the lines that core's README quick start runs on: a login against the sandbox, checked there", async () => {
    const started = await startSandboxCommand('--port', '0');
    const saved = { ...process.env };
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (line: string) => warnings.push(line);
    let auth: AppleMusicAuth | undefined;
    try {
      Object.assign(process.env, started.lines);
      // As core's README: the credentials from the environment, no endpoints.
      const { APPLE_TEAM_ID = '', APPLE_KEY_ID = '', APPLE_PRIVATE_KEY_PATH = '' } = process.env;
      auth = createAppleMusicAuth({
        teamId: APPLE_TEAM_ID,
        keyId: APPLE_KEY_ID,
        privateKey: await readPrivateKey(APPLE_PRIVATE_KEY_PATH),
        callbackURL: 'http://127.0.0.1:3000/auth/apple-music/callback',
        state: { secret: 'a-state-secret-that-is-long-enough-for-hmac' },
      });
      const url = started.lines.APPLE_MUSIC_SANDBOX_URL;
      expect(warnings).toEqual([
        `apple-music-auth: createAppleMusicAuth talks to the Apple Music sandbox at ${url}, not to Apple, because APPLE_MUSIC_SANDBOX_URL is set; unset it to talk to Apple.`,
      ]);

      const loginURL = 'http://127.0.0.1:3000/auth/apple-music';
      const page = await auth.handleLogin(new Request(loginURL));
      const config = JSON.parse(
        /id="apple-music-auth-config"[^>]*>([^<]*)</.exec(await page.text())?.[1] ?? '{}',
      ) as { authorizeURL: string; developerToken: string; state: string };
      expect(config.authorizeURL).toBe(`${url}/woa`);
      // What the sandbox's popup does on Allow: trade the page's developer token for a user token.
      const granted = await fetch(`${url}/woa/authorize`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          thirdPartyToken: config.developerToken,
          referrer: loginURL,
          restricted: false,
        }),
      });
      expect(granted.status).toBe(200);
      const { userToken } = (await granted.json()) as { userToken: string };
      const cookie = page.headers
        .getSetCookie()
        .map((line) => line.split(';')[0])
        .join('; ');
      let storefront: string | undefined;
      const callback = await auth.handleCallback(
        new Request(`${loginURL}/callback`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
          body: new URLSearchParams({
            state: config.state,
            music_user_token: userToken,
            restricted: '0',
          }),
        }),
        {
          onSuccess: (result) => {
            storefront = result.storefront?.id;
            return new Response('signed in');
          },
        },
      );
      expect(callback.status).toBe(200);
      expect(storefront).toBe('us');
      expect(warnings).toHaveLength(1);
    } finally {
      console.warn = warn;
      for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
      Object.assign(process.env, saved);
      await auth?.close();
      started.stop();
      await started.exit;
    }
  });

  it('writes --generate-key once and uses the file as it is when re-run, never overwriting it', async () => {
    const generated = join(dir, 'folder with space', 'sandbox-generated.p8');
    const first = await startSandboxCommand(
      '--generate-key',
      generated,
      '--port',
      '0',
      '--team-id',
      teamId,
      '--key-id',
      keyId,
    );
    expect(first.stdout).toContain(`with a new key in ${generated}`);
    expect(first.stdout).toContain(`  export APPLE_PRIVATE_KEY_PATH='${generated}'\n`);
    const pem = readFileSync(generated, 'utf8');
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(await storefrontStatus({ ...first.lines, APPLE_PRIVATE_KEY_PATH: generated })).toBe(200);
    first.stop();
    expect(await first.exit).toBe(0);

    const again = await startSandboxCommand('--generate-key', generated, '--port', '0');
    expect(again.stdout).toContain(`with the key in ${generated}`);
    expect(readFileSync(generated, 'utf8')).toBe(pem);
    again.stop();
    expect(await again.exit).toBe(0);

    const notAKey = join(dir, 'notes.p8');
    writeFileSync(notAKey, 'hello\n');
    const refused = await cli('sandbox', '--generate-key', notAKey, '--port', '0');
    expect(refused.code).toBe(1);
    expectOneErrorLine(refused.stderr, /ERR_INVALID_KEY: .*notes\.p8: Invalid private key/);
    expect(readFileSync(notAKey, 'utf8')).toBe('hello\n');

    const underAFile = await cli(
      'sandbox',
      '--generate-key',
      join(notAKey, 'key.p8'),
      '--port',
      '0',
    );
    expect(underAFile.code).toBe(1);
    expect(underAFile.stderr).toBe(
      `apple-music-auth: cannot write a new key to ${join(notAKey, 'key.p8')} (EEXIST): give --generate-key a file in a folder you can write to\n`,
    );
  });

  it('says in one line which port is busy and the flag that changes it', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const { port } = busy.address() as { port: number };
    try {
      const { code, stdout, stderr } = await cli(
        'sandbox',
        '--key',
        keyFile,
        '--team-id',
        teamId,
        '--key-id',
        keyId,
        '--port',
        String(port),
      );
      expect(code).toBe(1);
      expect(stdout).toBe('');
      expect(stderr).toBe(
        `apple-music-auth: port ${port} is in use (another sandbox or server runs there): stop it, or pick another port with --port <port> (--port 0 picks a free one)\n`,
      );
    } finally {
      await new Promise((resolve) => busy.close(resolve));
    }
  });

  it('says in one line that an RSA key is not what Apple issues', async () => {
    const rsaFile = join(dir, 'rsa.pem');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(rsaFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const { code, stderr } = await cli('sandbox', '--key', rsaFile, '--port', '0');
    expect(code).toBe(1);
    expectOneErrorLine(
      stderr,
      /^apple-music-auth: ERR_INVALID_KEY: .*rsa\.pem: Invalid private key: the key is an RSA key; developer tokens need an EC P-256 key \(ES256\)\. Apple's MusicKit key is .*AuthKey_<KEYID>\.p8\.\n$/,
    );
  });

  it('refuses a bad command line, listing in errors the outcomes its help lists', async () => {
    const both = await cli('sandbox', '--key', keyFile, '--generate-key', join(dir, 'x.p8'));
    expect(both.code).toBe(2);
    expectOneErrorLine(both.stderr, /give --key <file\.p8> or --generate-key <file\.p8>, not both/);

    const outcomes = POPUP_OUTCOMES.join(', ');
    expect(outcomes).toContain('redirect');
    const badOutcome = await cli('sandbox', '--key', keyFile, '--outcome', 'maybe');
    expect(badOutcome.code).toBe(2);
    expectOneErrorLine(badOutcome.stderr, new RegExp(`--outcome must be one of ${outcomes}`));
    expect((await cli('sandbox', '--help')).stdout).toContain(
      `--outcome <outcome>       what the popup does: ${outcomes} (default manual)`,
    );

    const badPort = await cli('sandbox', '--key', keyFile, '--port', '99999');
    expect(badPort.code).toBe(2);
    expectOneErrorLine(badPort.stderr, /option --port must be a whole number from 0 to 65535/);

    const badTeam = await cli('sandbox', '--key', keyFile, '--team-id', 'team', '--port', '0');
    expect(badTeam.code).toBe(1);
    expectOneErrorLine(
      badTeam.stderr,
      /ERR_INVALID_OPTIONS: Invalid option `--team-id`: must be exactly 10/,
    );
  });
});
