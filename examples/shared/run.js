// Runs an example (or the demo) as `node examples/<name>` does: prints where
// it is, stops cleanly on Ctrl-C (SIGINT) or SIGTERM with exit code 0 (so
// `npx --yes pnpm@10.34.9 demo` reports no failure), and says in one line what
// is wrong with a busy port or the Apple variables, instead of a stack trace.
import { createServer } from 'node:http';
import { appleBackend, ExampleSetupError } from './apple.js';

/**
 * Listens on `port` of 127.0.0.1 and resolves with the server's URL.
 *
 * @param {import('node:http').Server} server
 * @param {number} port
 * @returns {Promise<string>}
 */
export function listen(server, port) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      const address = /** @type {import('node:net').AddressInfo} */ (server.address());
      resolve(`http://127.0.0.1:${address.port}`);
    });
  });
}

/**
 * Starts with `start`, prints `lines(started)`, and runs until a signal.
 *
 * @template {{ close(): Promise<void> }} T
 * @param {() => Promise<T>} start
 * @param {(started: T) => string[]} lines
 * @param {{ name: string, command: string }} what `name` stops (for the last
 *   line, e.g. "Example"); `command` starts it again, for the busy-port hint
 *   (e.g. `node examples/fastify`)
 */
export async function runUntilStopped(start, lines, { name, command }) {
  /** @type {T} */
  let started;
  try {
    started = await start();
  } catch (error) {
    const { code, port } = /** @type {{ code?: string, port?: number }} */ (error ?? {});
    if (code === 'EADDRINUSE') {
      console.error(
        `Port ${port} is already in use: stop the program using it, or pick another port, e.g. PORT=${Number(port) + 1} ${command}`,
      );
    } else if (error instanceof ExampleSetupError) {
      for (const problem of error.problems) console.error(problem);
    } else {
      throw error;
    }
    process.exit(1);
  }
  for (const line of lines(started)) process.stdout.write(`${line}\n`);
  process.stdout.write('Ctrl-C to stop.\n');
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    started.close().then(() => {
      process.stdout.write(`${name} stopped.\n`);
      process.exit(0);
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/**
 * Runs one example (`node examples/<name>`, the `command` the busy-port hint
 * repeats): prints its URL and its sandbox's, and stops on Ctrl-C with
 * "Example stopped.".
 *
 * @param {() => Promise<{ url: string, sandbox?: { url: string } | undefined, close(): Promise<void> }>} start
 * @param {string} command
 */
export function runExample(start, command) {
  return runUntilStopped(
    start,
    (example) => [
      `Example app: ${example.url}`,
      ...(example.sandbox ? [`Apple sandbox: ${example.sandbox.url}`] : []),
    ],
    { name: 'Example', command },
  );
}

/**
 * The frame every node:http example starts in: its Apple (see
 * `appleBackend`), a server on `port` (or `PORT`, default 3000), and the
 * origin it is reached at (`PUBLIC_URL`, else its own). `setup` builds the
 * app for that Apple and origin; `close` stops the server, the app and Apple.
 *
 * @template {{ listener: import('node:http').RequestListener, close(): Promise<void> }} App
 * @param {{ port?: number, env?: Record<string, string | undefined>, apple?: import('./apple.js').AppleBackend, sandbox?: Partial<import('@apple-music-auth/sandbox').SandboxOptions> }} options
 * @param {(context: { apple: import('./apple.js').AppleBackend, env: Record<string, string | undefined>, publicURL: string }) => App} setup
 */
export async function serveExample(options, setup) {
  const env = options.env ?? process.env;
  const apple = await appleBackend({ env, shared: options.apple, sandbox: options.sandbox });
  const server = createServer();
  let url;
  try {
    url = await listen(server, options.port ?? Number(env.PORT ?? 3000));
  } catch (error) {
    await apple.close();
    throw error;
  }
  const publicURL = env.PUBLIC_URL ?? url;
  const app = setup({ apple, env, publicURL });
  server.on('request', app.listener);
  return {
    app,
    url: publicURL,
    sandbox: apple.sandbox,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
      await app.close();
      await apple.close();
    },
  };
}
