#!/usr/bin/env node
// `node examples/koa`: runs the example until Ctrl-C (SIGINT) or SIGTERM,
// then stops cleanly with exit code 0.
import { runExample } from '@apple-music-auth/example-shared/run';
import { startExample } from './server.js';

await runExample(() => startExample(), 'node examples/koa');
