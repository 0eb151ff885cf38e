// The one list of the workspace's test projects, which vitest.config.ts
// hands to Vitest as `test.projects`. A test file's name decides its suite:
// each package, example and readme-checks gets one project per kind of test
// file it holds, named `<name>` for its unit tests and `<kind>/<name>` for the
// others, so `vitest --project core` runs core's unit tests and
// `vitest --project 'browser/*'` every Chromium test (README: Develop and test).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProjectConfiguration } from 'vitest/config';

/**
 * The kinds of test file besides the unit tests, by file-name pattern (each
 * a project `<kind>/<name>`). A file matching none of them is a unit test.
 */
export const TEST_KINDS = {
  /** Drives Chromium (`testing/chromium.ts`): `pnpm test:browsers`. */
  browser: '**/*.browser.test.ts',
  /** The few Chromium logins that `pnpm test` runs. */
  smoke: '**/*.smoke.test.ts',
  /** Starts child processes (node, npm, the CLI): part of `pnpm test`. */
  processes: '**/*.process.test.ts',
  /** Needs a real redis-server: `pnpm test:scale-out`. */
  'scale-out': '**/scale-out*.test.ts',
  /** Runs code in Bun, Deno or workerd: `pnpm test:runtimes`. */
  runtimes: '**/runtimes/**/*.test.ts',
  /** A timed load run: `pnpm test:load`. */
  load: '**/*-load.test.ts',
} as const;

/** A name of {@link TEST_KINDS}. */
export type TestKind = keyof typeof TEST_KINDS;

const root = fileURLToPath(new URL('.', import.meta.url));

/** The folders with tests, each with the project name of its unit tests. */
const FOLDERS: Array<[dir: string, name: string]> = [
  ...['core', 'cli', 'sandbox', 'fastify', 'koa', 'passport'].map((name): [string, string] => [
    `packages/${name}`,
    name,
  ]),
  ...readdirSync(join(root, 'examples'))
    .filter((name) => existsSync(join(root, 'examples', name, 'test')))
    .map((name): [string, string] => [`examples/${name}`, `example-${name}`]),
  ['readme-checks', 'readme-checks'],
];

/** A glob of {@link TEST_KINDS} as a regular expression over a path under `test/`. */
function globPattern(glob: string): RegExp {
  const source = glob
    .split('**/')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '[^/]*'))
    .join('(?:.*/)?');
  return new RegExp(`^${source}$`);
}

/** Every `*.test.ts` under `dir/test`, relative to `dir/test`. */
function testFiles(dir: string): string[] {
  const tests = join(root, dir, 'test');
  return (readdirSync(tests, { recursive: true }) as string[]).filter(
    (file) => file.endsWith('.test.ts') && !file.includes('node_modules'),
  );
}

/** The kinds of test `dir` holds: `unit` for files of no other kind. */
function kindsIn(dir: string): Set<TestKind | 'unit'> {
  const kinds = new Set<TestKind | 'unit'>();
  for (const file of testFiles(dir)) {
    const kind = (Object.keys(TEST_KINDS) as TestKind[]).find((name) =>
      globPattern(TEST_KINDS[name]).test(file),
    );
    kinds.add(kind ?? 'unit');
  }
  return kinds;
}

/** One project per kind of test in `dir`, on the folder's own vitest.config.ts. */
function projectsOf(dir: string, name: string): TestProjectConfiguration[] {
  return [...kindsIn(dir)].map((kind) => ({
    extends: `./${dir}/vitest.config.ts`,
    root: `./${dir}`,
    test:
      kind === 'unit'
        ? {
            name,
            include: ['test/**/*.test.ts'],
            exclude: ['**/node_modules/**', ...Object.values(TEST_KINDS)],
            // The helpers that launch Chromium or redis-server refuse to in a unit test file.
            env: { TEST_KIND: 'unit' },
          }
        : { name: `${kind}/${name}`, include: [`test/${TEST_KINDS[kind]}`] },
  }));
}

export default [
  ...FOLDERS.flatMap(([dir, name]) => projectsOf(dir, name)),
  // Core's Apple client tests again, on the `fetch` transport (unit tests).
  'packages/core/vitest.fetch.config.ts',
  // The packed packages installed with npm, on the Node.js that runs Vitest.
  'packaging/vitest.config.ts',
  // The READMEs' first examples, installed the same way, logged in through in Chromium.
  'packaging/vitest.browser.config.ts',
] satisfies TestProjectConfiguration[];
