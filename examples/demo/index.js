#!/usr/bin/env node
// `pnpm demo`: the landing page, every example and one sandbox, until Ctrl-C.
import { runUntilStopped } from '@apple-music-auth/example-shared/run';
import { startDemo } from './demo.js';

await runUntilStopped(
  () => startDemo(),
  (demo) => [`Open ${demo.url}`],
  'Demo',
);
