// Shared by the examples' startup tests: runs `node examples/<name>` as a
// child process, as the demo does, and checks that it starts the app and
// a sandbox, stops cleanly on SIGTERM and Ctrl-C, and names a busy port.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { afterEach, expect, it } from 'vitest';

/** Registers the startup tests of the example in `directory`. */
export function exampleProcessTests(directory: string, name: string): void {
  let child: ChildProcess | undefined;
  afterEach(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });

  /** Starts `node examples/<name>` with `PORT` and collects its output. */
  function startChild(port: string) {
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, PORT: port };
    const started = spawn(process.execPath, [directory], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = started;
    let stdout = '';
    let stderr = '';
    started.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    started.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    return { process: started, stdout: () => stdout, stderr: () => stderr };
  }

  /** Waits for the example's last startup line and returns its output so far. */
  async function ready(started: ReturnType<typeof startChild>): Promise<string> {
    while (!started.stdout().includes('Ctrl-C to stop.\n')) {
      if (started.process.exitCode !== null) {
        throw new Error(`the example exited: ${started.stdout()}${started.stderr()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return started.stdout();
  }

  it(`\`node examples/${name}\` starts the app and a sandbox, and stops on SIGTERM`, async () => {
    const started = startChild('0');
    const output = await ready(started);
    const appURL = /Example app: (\S+)/.exec(output)?.[1] as string;
    const sandboxURL = /Apple sandbox: (\S+)/.exec(output)?.[1] as string;

    const home = await fetch(appURL);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('Connect Apple Music');
    const login = await fetch(`${appURL}/auth/apple-music`);
    expect(login.status).toBe(200);
    expect(await login.text()).toContain(`${sandboxURL}/woa`);

    started.process.kill('SIGTERM');
    const [code] = await once(started.process, 'exit');
    expect(code).toBe(0);
    expect(started.stdout()).toMatch(/^Example stopped\.$/m);
  });

  it('stops on Ctrl-C (SIGINT) with exit code 0, so that the demo reports no failure', async () => {
    const started = startChild('0');
    await ready(started);
    started.process.kill('SIGINT');
    const [code] = await once(started.process, 'exit');
    expect(code).toBe(0);
    expect(started.stdout()).toMatch(/^Example stopped\.$/m);
    expect(started.stderr()).toBe('');
  });

  it('says in one line that the port is busy, instead of an EADDRINUSE stack', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as { port: number };
    try {
      const started = startChild(String(port));
      const [code] = await once(started.process, 'exit');
      expect(code).toBe(1);
      expect(started.stderr()).toBe(
        `Port ${port} is already in use: stop the program using it, or pick another port, e.g. PORT=${port + 1} node examples/${name}\n`,
      );
      expect(started.stdout()).toBe('');
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });
}
