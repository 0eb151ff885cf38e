import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';

let child: ChildProcess | undefined;
afterEach(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
});

it('`node examples/node-http` starts the app and a sandbox, and stops on SIGTERM', async () => {
  const directory = fileURLToPath(new URL('..', import.meta.url));
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, PORT: '0' };
  child = spawn(process.execPath, [directory], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  while (!/Apple sandbox: \S+\n/.test(output)) {
    if (child.exitCode !== null) throw new Error(`the example exited: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const appURL = /Example app: (\S+)/.exec(output)?.[1] as string;
  const sandboxURL = /Apple sandbox: (\S+)/.exec(output)?.[1] as string;

  const home = await fetch(appURL);
  expect(home.status).toBe(200);
  expect(await home.text()).toContain('Connect Apple Music');
  const login = await fetch(`${appURL}/auth/apple-music`);
  expect(login.status).toBe(200);
  expect(await login.text()).toContain(`${sandboxURL}/woa`);

  child.kill('SIGTERM');
  const [code] = await once(child, 'exit');
  expect(code).toBe(0);
});
