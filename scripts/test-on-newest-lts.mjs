// `pnpm test:newest-lts`: the unit tests of every package (the `vitest run`
// of `pnpm test:unit`) and the packaging test again on the newest Node.js LTS,
// pinned in runtime-binaries.mjs and fetched from the npm registry, beside
// the machine's Node.js that `pnpm test` runs on. Not run there: lint, the
// type checks, the child-process and Chromium tests, and the long suites.
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
  `test:newest-lts: the unit tests and the packaging test on Node.js ${RUNTIMES.node.version}\n`,
);
const { status, error } = spawnSync(
  node,
  [vitest, 'run', '--project=!*/*', '--project=processes/packaging'],
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
