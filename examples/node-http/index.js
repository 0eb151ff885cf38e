#!/usr/bin/env node
// `node examples/node-http`: runs the example until Ctrl-C.
import { startExample } from './server.js';

const example = await startExample();
process.stdout.write(`Example app: ${example.url}\n`);
if (example.sandbox) process.stdout.write(`Apple sandbox: ${example.sandbox.url}\n`);
const stop = () => {
  example.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
