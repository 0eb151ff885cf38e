import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('..', import.meta.url));

it.each([
  ['import()', 'module', "const m = await import('@apple-music-auth/sandbox');"],
  ['require()', 'commonjs', "const m = require('@apple-music-auth/sandbox');"],
])('the built package loads with %s', async (_how, inputType, load) => {
  const { stdout } = await run(
    process.execPath,
    [
      `--input-type=${inputType}`,
      '-e',
      `${load} console.log(typeof m.startSandbox, m.loginScenarios.length > 0);`,
    ],
    { cwd: packageDir },
  );
  expect(stdout.trim()).toBe('function true');
});
