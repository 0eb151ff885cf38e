#!/usr/bin/env node
// `node examples/express-passport`: runs the example until Ctrl-C (SIGINT) or
// SIGTERM, then stops cleanly with exit code 0.
import { runUntilStopped } from '@apple-music-auth/example-shared/run';
import { startExample } from './server.js';

await runUntilStopped(
  () => startExample(),
  (example) => [
    `Example app: ${example.url}`,
    ...(example.sandbox ? [`Apple sandbox: ${example.sandbox.url}`] : []),
  ],
  'Example',
);
