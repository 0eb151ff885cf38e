// Builds the workspace package in the current directory: a clean dist/, the
// TypeScript output of tsconfig.build.json, and executable `bin` entries.
import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

const cwd = process.cwd();
const manifest = JSON.parse(readFileSync(resolve(cwd, 'package.json'), 'utf8'));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

rmSync(resolve(cwd, 'dist'), { recursive: true, force: true });
try {
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd, stdio: 'inherit' });
} catch {
  process.exit(1);
}
for (const file of Object.values(manifest.bin ?? {})) chmodSync(resolve(cwd, file), 0o755);
