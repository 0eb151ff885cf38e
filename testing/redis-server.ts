// Shared by the scale-out tests: a real Redis (Debian's `redis-server`, which
// .ci/run installs) on a free loopback port, without persistence.
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { ChildProcesses } from './child-processes.js';

/** A loopback port nothing listens on right now. */
async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Starts `redis-server` on loopback as one of `processes`; returns its `redis://` URL. */
export async function startRedisServer(processes: ChildProcesses): Promise<string> {
  if (process.env.TEST_KIND === 'unit') {
    throw new Error('A unit test file starts redis-server: name it scale-out*.test.ts.');
  }
  const port = await freePort();
  try {
    await processes.start(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {},
      /Ready to accept connections/,
    );
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new Error(
      "redis-server is not installed: install Debian's redis-server (apt-get install redis-server), as .ci/run does",
      { cause: error },
    );
  }
  return `redis://127.0.0.1:${port}`;
}
