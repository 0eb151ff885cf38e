// Random bytes after a Node startup snapshot (issue 18): core draws random
// bytes in 4 KiB batches kept in module state. An app built into a snapshot
// (`node --build-snapshot`) that drew a state or nonce while it was built
// would copy that batch into every process started from the snapshot, and
// they would all hand out the same states and CSP nonces. Two real processes
// from one real snapshot must not.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, expect, it } from 'vitest';

const CORE_ENTRY = fileURLToPath(new URL('../../src/index.ts', import.meta.url));
const FAILURE_PAGE = fileURLToPath(new URL('../../src/pages/failure-page.ts', import.meta.url));

/** The app built into the snapshot: it draws a nonce while it is built, and reports fresh ones on start. */
const SNAPSHOT_APP = `
import v8 from 'node:v8';
import { createNonce } from ${JSON.stringify(CORE_ENTRY)};
import { renderErrorPage } from ${JSON.stringify(FAILURE_PAGE)};

const built = createNonce();
v8.startupSnapshot.setDeserializeMainFunction(() => {
  const page = renderErrorPage({ code: 'ERR_CANCELLED', status: 400 });
  const csp = /'nonce-([^']+)'/.exec(page.headers['content-security-policy'])?.[1];
  process.stdout.write(JSON.stringify({ built, state: createNonce(), csp }));
});
`;

interface Started {
  built: string;
  state: string;
  csp: string;
}

let dir: string;
let blob: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'apple-music-auth-snapshot-'));
  writeFileSync(join(dir, 'app.mjs'), SNAPSHOT_APP);
  // A snapshot's entry must be one CommonJS script that requires built-ins only.
  const entry = join(dir, 'snapshot-entry.cjs');
  await build({
    entryPoints: [join(dir, 'app.mjs')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['undici'],
    outfile: entry,
    logLevel: 'warning',
  });
  blob = join(dir, 'app.blob');
  execFileSync(process.execPath, ['--snapshot-blob', blob, '--build-snapshot', entry], {
    cwd: dir,
    stdio: 'pipe',
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Starts a process from the snapshot and reads what it drew. */
function startFromSnapshot(): Started {
  const output = execFileSync(process.execPath, ['--snapshot-blob', blob], {
    cwd: dir,
    encoding: 'utf8',
  });
  return JSON.parse(output) as Started;
}

it('gives two processes started from one snapshot different states and CSP nonces', () => {
  const first = startFromSnapshot();
  const second = startFromSnapshot();
  // Both come from the same snapshot: what was drawn while it was built is shared.
  expect(second.built).toBe(first.built);
  expect(first.state).toMatch(/^[\w-]{43}$/);
  expect(first.csp).toMatch(/^[\w+/]{22}==$/);
  expect(second.state).not.toBe(first.state);
  expect(second.csp).not.toBe(first.csp);
  expect([first.state, second.state]).not.toContain(first.built);
});
