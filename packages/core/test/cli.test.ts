import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ServedHandlers, serveHandlers } from '@apple-music-auth/sandbox';
import { jwtVerify } from 'jose';
import { HttpResponse, http } from 'msw';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/cli/run.js';
import { expectedStorefront, storefrontResponse } from './support/apple-responses.js';
import { generateP256, verifyES256WithNode } from './support/generated-keys.js';

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
  expect(stderr).not.toContain(musicUserToken);
}

async function verifyDeveloperToken(token: string) {
  const { payload, protectedHeader } = await jwtVerify(token, key.publicKey, {
    algorithms: ['ES256'],
    issuer: teamId,
  });
  expect(protectedHeader).toEqual({ alg: 'ES256', kid: keyId });
  expect(verifyES256WithNode(token, key.publicKey)).toBe(true);
  return payload;
}

describe('apple-music-auth token', () => {
  it('prints a developer token on one line', async () => {
    const before = Math.floor(Date.now() / 1000);
    const { code, stdout, stderr } = await cli('token', ...signing);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const payload = await verifyDeveloperToken(stdout.trim());
    expect(Object.keys(payload).sort()).toEqual(['exp', 'iat', 'iss']);
    expect(payload.iat).toBeGreaterThanOrEqual(before);
    expect(payload.exp).toBe((payload.iat ?? 0) + 15_552_000);
  });

  it('prints JSON with the expiry, ids and origins', async () => {
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
    const payload = await verifyDeveloperToken(output.token as string);
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
  ])('fails with exit code 1 on %j', async (override, pattern) => {
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

  it.each([
    ['2 days', 172_800],
    ['10h', 36_000],
    ['7d', 604_800],
    ['3600s', 3600],
  ])('reads --expires-in %j as %i seconds, as the library does', async (expiresIn, seconds) => {
    const { code, stdout } = await cli('token', ...signing, '--expires-in', expiresIn, '--json');
    expect(code).toBe(0);
    const payload = await verifyDeveloperToken((JSON.parse(stdout) as { token: string }).token);
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
      expect(stdout).toMatch(/\n {2}verify {3}check a Music User Token/);
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
      /Usage: apple-music-auth verify --team-id <id> --key-id <id> --key <file.p8> \[options\]/,
    );
    expect((await cli('verify', '-h', '--music-user-token', musicUserToken)).stdout).toContain(
      '--api-url <url>',
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
    [['token', ...signing, '--expires-in'], /option --expires-in needs a value/],
    [['token', '--team-id', '--key-id', keyId, '--key', keyFile], /option --team-id needs a value/],
    [['token', ...signing, '--origin='], /option --origin needs a value/],
    [['token', ...signing, '--team-id', teamId], /option --team-id is given more than once/],
    [['token', ...signing, '--json=yes'], /option --json takes no value/],
    [['verify', ...signing], /give --music-user-token <token> or set APPLE_MUSIC_USER_TOKEN/],
    [
      ['verify', '--music-user-token', musicUserToken, ...signing, musicUserToken],
      /unexpected argument/,
    ],
    [
      ['verify', `--music-user-tokn=${musicUserToken}`, ...signing],
      /unknown option --music-user-tokn /,
    ],
    [
      ['verify', '--music-user-token', musicUserToken, ...signing, '--api-url', 'not a url'],
      /--api-url must be an absolute URL/,
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
  let api: ServedHandlers;
  const seen: { authorization: string | null; musicUserToken: string | null }[] = [];

  beforeAll(async () => {
    api = await serveHandlers([
      http.get('*/v1/me/storefront', async ({ request }) => {
        const authorization = request.headers.get('authorization');
        const userToken = request.headers.get('music-user-token');
        seen.push({ authorization, musicUserToken: userToken });
        const developerToken = authorization?.replace(/^Bearer /, '') ?? '';
        const valid = await jwtVerify(developerToken, key.publicKey, {
          algorithms: ['ES256'],
          issuer: teamId,
        }).then(
          ({ protectedHeader }) => protectedHeader.kid === keyId,
          () => false,
        );
        if (!valid) {
          return HttpResponse.json(
            { errors: [{ status: '401', title: 'Unauthorized' }] },
            { status: 401 },
          );
        }
        if (userToken !== musicUserToken) {
          return HttpResponse.json(
            { errors: [{ status: '403', title: 'Forbidden' }] },
            { status: 403 },
          );
        }
        return HttpResponse.json(storefrontResponse);
      }),
    ]);
  });

  afterAll(() => api.close());

  it('prints the storefront of a valid token, sending both tokens as headers', async () => {
    const { code, stdout, stderr } = await cli(
      'verify',
      '--music-user-token',
      musicUserToken,
      ...signing,
      '--api-url',
      api.url,
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toBe(
      'Valid Music User Token. Storefront: us (United States), language en-US, explicit content allowed.\n',
    );
    expect(stdout).not.toContain(musicUserToken);
    const request = seen.at(-1);
    expect(request?.musicUserToken).toBe(musicUserToken);
    const payload = await verifyDeveloperToken(
      request?.authorization?.replace('Bearer ', '') ?? '',
    );
    expect(payload.exp).toBe((payload.iat ?? 0) + 600);
    expect(payload).not.toHaveProperty('origin');
  });

  it('reads the token from APPLE_MUSIC_USER_TOKEN, keeping it out of argv', async () => {
    const { code, stdout } = await cliWithEnv(
      { APPLE_MUSIC_USER_TOKEN: musicUserToken },
      'verify',
      ...signing,
      '--api-url',
      api.url,
    );
    expect(code).toBe(0);
    expect(stdout).toContain('Storefront: us (United States)');
    expect(seen.at(-1)?.musicUserToken).toBe(musicUserToken);
  });

  it('prints JSON with --json', async () => {
    const { code, stdout } = await cli(
      'verify',
      `--music-user-token=${musicUserToken}`,
      ...signing,
      '--api-url',
      `${api.url}/`,
      '--json',
    );
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      valid: true,
      storefront: expectedStorefront,
    });
  });

  it('reports a rejected user token (403) with its code, exit code 1, without echoing it', async () => {
    const rejected = 'AnotherUserToken0123456789';
    const { code, stdout, stderr } = await cli(
      'verify',
      '--music-user-token',
      rejected,
      ...signing,
      '--api-url',
      api.url,
      '--json',
    );
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expectOneErrorLine(stderr, /^apple-music-auth: ERR_USER_TOKEN_REJECTED: /);
    expect(stderr).not.toContain(rejected);
    expect(seen.at(-1)?.musicUserToken).toBe(rejected);
  });

  it('reports a rejected developer token (401) with its code', async () => {
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
      api.url,
    );
    expect(code).toBe(1);
    const [warning, error] = stderr.split(/(?<=\n)/);
    expect(warning).toMatch(
      /^apple-music-auth: warning: --key-id KEY1234567 differs from the key file's name AuthKey_OTHER00000\.p8;/,
    );
    expectOneErrorLine(error ?? '', /^apple-music-auth: ERR_DEVELOPER_TOKEN_REJECTED: /);
  });
});

describe('sandbox', () => {
  /** Starts `sandbox` in-process; resolves once it printed its URLs. */
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
    const first = await Promise.race([
      exit,
      (async () => {
        while (!stdout.includes('Press Ctrl-C')) await new Promise((r) => setTimeout(r, 10));
      })(),
    ]);
    return { exit, stop, first, output: () => ({ stdout, stderr }) };
  }

  it('generates a key, serves the popup and an API that checks tokens signed with it', async () => {
    const generated = join(dir, 'sandbox-generated.p8');
    const started = await startSandboxCommand('--generate-key', generated, '--port', '0');
    const { stdout } = started.output();
    const apiURL = /endpoints\.api +(\S+)/.exec(stdout)?.[1] as string;
    const authorizeURL = /endpoints\.authorize +(\S+)/.exec(stdout)?.[1] as string;
    expect(authorizeURL).toBe(`${apiURL}/woa`);

    const pem = readFileSync(generated, 'utf8');
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    const { signDeveloperToken } = await import('../src/developer-token.js');
    const good = await signDeveloperToken({
      teamId: 'SANDBOX123',
      keyId: 'SANDBOXKEY',
      privateKey: pem,
    });
    const other = await signDeveloperToken({
      teamId: 'SANDBOX123',
      keyId: 'SANDBOXKEY',
      privateKey: key.pem,
    });
    const storefront = (token: string) =>
      fetch(`${apiURL}/v1/me/storefront`, {
        headers: { authorization: `Bearer ${token}`, 'music-user-token': 'unknown' },
      });
    expect((await storefront(other)).status).toBe(401);
    expect((await storefront(good)).status).toBe(403);

    started.stop();
    expect(await started.exit).toBe(0);
  });

  it('refuses to overwrite a key file and needs exactly one key option', async () => {
    const existing = await cli('sandbox', '--generate-key', keyFile, '--port', '0');
    expect(existing.code).toBe(1);
    expectOneErrorLine(
      existing.stderr,
      /ERR_INVALID_OPTIONS: Cannot write a new key to .*exists already/,
    );
    expect(readFileSync(keyFile, 'utf8')).toBe(key.pem);

    const neither = await cli('sandbox');
    expect(neither.code).toBe(2);
    expectOneErrorLine(
      neither.stderr,
      /exactly one of --key <file.p8> or --generate-key <file.p8>/,
    );

    const badOutcome = await cli('sandbox', '--key', keyFile, '--outcome', 'maybe');
    expect(badOutcome.code).toBe(2);
    expectOneErrorLine(badOutcome.stderr, /--outcome must be one of .*manual/);

    const badPort = await cli('sandbox', '--key', keyFile, '--port', '99999');
    expect(badPort.code).toBe(2);
  });
});
