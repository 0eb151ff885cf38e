// The CLI as it ships: src/main.ts bundled with esbuild and run by node as a
// child process, for its exit codes and its output (cli.test.ts runs the
// commands in-process; the packaging test runs the installed tarball's bin).
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifiedClaims } from '../../../testing/developer-token-route.js';

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const teamId = 'ABCDE12345';
const keyId = 'KEY1234567';
const dir = mkdtempSync(join(tmpdir(), 'amauth-cli-executable-'));
const keyFile = join(dir, `AuthKey_${keyId}.p8`);
writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
const signing = ['--team-id', teamId, '--key-id', keyId, '--key', keyFile];

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An error is one line to stderr, prefixed, without a stack trace. */
function expectOneErrorLine(stderr: string, pattern: RegExp) {
  expect(stderr).toMatch(/^apple-music-auth: [^\n]+\n$/);
  expect(stderr).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /);
}

/** The claims of a token signed by the key, checked by jose and by Node's own ECDSA. */
async function verifyDeveloperToken(token: string) {
  const { payload, protectedHeader } = await jwtVerify(token, publicKey, {
    algorithms: ['ES256'],
    issuer: teamId,
  });
  expect(protectedHeader.kid).toBe(keyId);
  expect(verifiedClaims(token, publicKey)).toEqual(payload);
  return { payload };
}

describe('the apple-music-auth executable', () => {
  const execFileAsync = promisify(execFile);
  const bundle = join(dir, 'bin', 'apple-music-auth.mjs');

  beforeAll(async () => {
    // Node 20 cannot run TypeScript: bundle src/main.ts as it will ship.
    await build({
      entryPoints: [new URL('../src/main.ts', import.meta.url).pathname],
      outfile: bundle,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'silent',
      banner: {
        js: "import { createRequire as createRequireForBundle } from 'node:module'; const require = createRequireForBundle(import.meta.url);",
      },
    });
  });

  it('prints a verifiable token and exits 0', async () => {
    const { stdout, stderr } = await execFileAsync(process.execPath, [bundle, 'token', ...signing]);
    expect(stderr).toBe('');
    const { payload } = await verifyDeveloperToken(stdout.trim());
    expect(payload.iss).toBe(teamId);
  });

  it('exits 1 with one line on stderr for a missing key file, and 2 for a bad command line', async () => {
    const missing = join(dir, 'AuthKey_NOPE000000.p8');
    const failed = await execFileAsync(process.execPath, [
      bundle,
      'token',
      ...signing.slice(0, 4),
      '--key',
      missing,
    ]).catch((error: { code: number; stdout: string; stderr: string }) => error);
    expect(failed).toMatchObject({ code: 1, stdout: '' });
    expectOneErrorLine(
      failed.stderr,
      /ERR_INVALID_KEY: Cannot read the private key file .*AuthKey_NOPE000000\.p8/,
    );

    const usage = await execFileAsync(process.execPath, [bundle, 'mint']).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(usage).toMatchObject({ code: 2 });
  });
});
