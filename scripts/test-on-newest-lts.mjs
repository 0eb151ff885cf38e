// Runs the unit tests of every package under packages/ (the browser tests
// excluded: they drive Chromium, not Node) and the packaging test again on the
// newest Node.js LTS, pinned in runtime-binaries.mjs and fetched from the npm registry,
// beside the machine's Node.js that `pnpm test` runs everything else on.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { RUNTIMES, runtimeBinary } from './runtime-binaries.mjs';

const node = runtimeBinary('node');
const vitest = join(
  dirname(createRequire(import.meta.url).resolve('vitest/package.json')),
  'vitest.mjs',
);
process.stdout.write(
  `test:newest-lts: the unit and packaging tests on Node.js ${RUNTIMES.node.version}\n`,
);
const { status, error } = spawnSync(
  node,
  [
    vitest,
    'run',
    // Every project but the examples: the packages' own and the packaging test.
    '--project=!example-*',
    '--exclude=**/*.browser.test.ts',
    '--exclude=**/browser.test.ts',
  ],
  {
    stdio: 'inherit',
    env: {
      ...process.env,
      PATH: `${dirname(node)}${delimiter}${process.env.PATH}`,
      // Node 26 warns that localStorage needs --localstorage-file in every worker.
      NODE_OPTIONS: '--disable-warning=ExperimentalWarning',
    },
  },
);
if (error) throw error;
process.exitCode = status ?? 1;
