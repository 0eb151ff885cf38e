#!/usr/bin/env node
// `node examples/express-passport`: runs the example until Ctrl-C (SIGINT) or
// SIGTERM, then stops cleanly with exit code 0.
import { startExample } from './server.js';

let example;
try {
  example = await startExample();
} catch (error) {
  const { code, port } = /** @type {{ code?: string, port?: number }} */ (error ?? {});
  if (code !== 'EADDRINUSE') throw error;
  console.error(
    `Port ${port} is already in use: stop the program using it, or pick another port, e.g. PORT=3001 pnpm demo`,
  );
  process.exit(1);
}
process.stdout.write(`Example app: ${example.url}\n`);
if (example.sandbox) process.stdout.write(`Apple sandbox: ${example.sandbox.url}\n`);
process.stdout.write('Ctrl-C to stop.\n');

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  example.close().then(() => {
    process.stdout.write('Example stopped.\n');
    process.exit(0);
  });
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
