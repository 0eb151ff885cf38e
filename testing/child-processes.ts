// Shared by the scale-out tests: the server processes a suite starts (app
// instances, a Redis), each awaited until it says it is ready, and all
// stopped at the end of the suite so that none outlives the test run.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';

/** How long a stopped process may take to exit on SIGTERM before it gets SIGKILL. */
const EXIT_GRACE_MS = 5_000;

/** The child processes of one test suite: started one by one, stopped together. */
export class ChildProcesses {
  readonly #children: ChildProcess[] = [];

  /**
   * Starts `command` with `env` added to this process's environment and
   * waits for its output (stdout) to match `ready`; returns the match.
   * Rejects, with the output so far, when the process cannot start or exits first.
   */
  start(
    command: string,
    args: string[],
    env: Record<string, string>,
    ready: RegExp,
  ): Promise<RegExpExecArray> {
    const child = spawn(command, args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#children.push(child);
    let output = '';
    return new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (code, signal) =>
        reject(new Error(`${command} exited (${signal ?? code}) before it was ready: ${output}`)),
      );
      child.stderr?.on('data', (chunk: Buffer) => {
        output += chunk;
      });
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk;
        const match = ready.exec(output);
        if (match) resolve(match);
      });
    });
  }

  /** Stops every process still running (SIGTERM, then SIGKILL after a grace period) and waits for each to exit. */
  async stopAll(): Promise<void> {
    await Promise.all(
      this.#children.splice(0).map(async (child) => {
        if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        const stubborn = setTimeout(() => child.kill('SIGKILL'), EXIT_GRACE_MS);
        await exited;
        clearTimeout(stubborn);
      }),
    );
  }
}
