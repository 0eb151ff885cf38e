// Core's web-standard handler in Bun and Deno: each runs a login and a
// callback through handleLogin/handleCallback with core's built main entry,
// against the sandbox on loopback (Apple's token check included).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, it } from 'vitest';
import { runtimeBinary } from '../../../../scripts/runtime-binaries.mjs';
import { expectCompletedLogin, useFlowSandbox } from './flow-sandbox.js';
import type { LoginFlowReport } from './login-flow.js';

const run = promisify(execFile);
const entry = fileURLToPath(new URL('./login-flow-main.ts', import.meta.url));
const packageDir = fileURLToPath(new URL('../..', import.meta.url));
const flowConfig = useFlowSandbox();

/** Each runtime's command line for the entry, with only the permissions it needs. */
const commands: Record<'bun' | 'deno', string[]> = {
  bun: ['run', entry],
  deno: ['run', '--allow-env', '--allow-read', '--allow-net', entry],
};

describe.each(Object.keys(commands) as (keyof typeof commands)[])('in %s', (name) => {
  it('completes a login and a callback through handleLogin/handleCallback', {
    timeout: 120_000,
  }, async () => {
    const { stdout } = await run(runtimeBinary(name), commands[name], {
      cwd: packageDir,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        LOGIN_FLOW_CONFIG: JSON.stringify(flowConfig()),
      },
      timeout: 60_000,
    });
    expectCompletedLogin(JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as LoginFlowReport);
  });
});
