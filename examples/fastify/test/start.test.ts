import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const directory = fileURLToPath(new URL('..', import.meta.url));

it('`node examples/fastify` serves the profile and the bridge page, and stops on SIGTERM', async () => {
  const child = spawn(process.execPath, [directory], {
    env: { PATH: process.env.PATH, PORT: '0', LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  while (!output.includes('Ctrl-C to stop.\n')) {
    if (child.exitCode !== null) throw new Error(`the example exited: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const appURL = /Example app: (\S+)/.exec(output)?.[1] as string;
  const sandboxURL = /Apple sandbox: (\S+)/.exec(output)?.[1] as string;
  const exited = once(child, 'exit');
  try {
    expect(await (await fetch(appURL)).text()).toContain('Connect Apple Music');
    const login = await fetch(`${appURL}/auth/apple-music`);
    expect(login.status).toBe(200);
    expect(await login.text()).toContain(`${sandboxURL}/woa`);
  } finally {
    child.kill('SIGTERM');
  }
  const [code] = await exited;
  expect(code).toBe(0);
  expect(output).toMatch(/Example stopped\.\n$/);
});
