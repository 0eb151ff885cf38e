#!/usr/bin/env node
// `npx --yes pnpm@10.34.9 demo` (which builds, then runs `node examples/demo`):
// the landing page, every example and one sandbox, until Ctrl-C.
import { runUntilStopped } from '@apple-music-auth/example-shared/run';
import { startDemo } from './demo.js';

await runUntilStopped(
  () => startDemo(),
  (demo) => [`Open ${demo.url}`],
  { name: 'Demo', command: 'npx --yes pnpm@10.34.9 demo' },
);
