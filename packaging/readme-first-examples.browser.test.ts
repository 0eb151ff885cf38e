// Each package README's first example, run as a new user runs it: its code
// block copied verbatim into server.js of a fresh project made by the
// README's own commands (`npm init -y`, the line that makes it ESM, its
// `npm install` line with our packages as packed tarballs), the packed CLI's
// `apple-music-auth sandbox` started with no key option, the app started with
// `node server.js` and nothing in its environment but the lines the sandbox
// printed (plus PATH and a free PORT), and a login through it in Chromium,
// clicking Allow in the sandbox's popup, until the home route shows the result.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithChromium, launchChromium } from '../testing/chromium.js';
import {
  packAll,
  root,
  run,
  withWorkspaceDependencies,
  workspaceOverrides,
} from './packed-packages.js';
import { PACKAGES_WITH_FIRST_EXAMPLE, readFirstExample } from './readme-first-example.js';

/** What `apple-music-auth sandbox` prints to export, in the order it prints them. */
const PRINTED_VARIABLES = [
  'APPLE_TEAM_ID',
  'APPLE_KEY_ID',
  'APPLE_PRIVATE_KEY_PATH',
  'APPLE_MUSIC_SANDBOX_URL',
];

/** PATH with this test's Node.js first, so `npm` and the apps run on the Node.js under test. */
const PATH = `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`;

let work = '';
let tarballs = new Map<string, string>();
let browser: Browser | undefined;
const children: ChildProcess[] = [];
/** The sandbox's printed `export` lines, as variables. */
let exported: Record<string, string> = {};
/** Everything the sandbox printed on stdout. */
let sandboxOutput = '';

/** Starts `command` in `cwd` with exactly `env`, and collects its output. */
function start(command: string, args: string[], cwd: string, env: Record<string, string>) {
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const output = { stdout: '', stderr: '' };
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    output.stdout += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    output.stderr += chunk;
  });
  return { child, output };
}

/** Waits until `ready()` is true, failing with the process's output if it exits first. */
async function waitFor(
  started: ReturnType<typeof start>,
  ready: () => boolean | Promise<boolean>,
): Promise<void> {
  while (!(await ready())) {
    if (started.child.exitCode !== null) {
      throw new Error(
        `exited (${started.child.exitCode}): ${started.output.stdout}${started.output.stderr}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A port nothing listens on now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * `npm` as the README writes it, in `cwd`, with our packages swapped for
 * their tarballs; an install also gets the tarballs of our packages those
 * depend on, which npm would otherwise look for in the registry.
 */
async function npm(args: string[], cwd: string): Promise<void> {
  const ours = withWorkspaceDependencies(args.filter((arg) => tarballs.has(arg)));
  const swapped = [
    ...args.filter((arg) => !tarballs.has(arg)),
    ...ours.map((name) => tarballs.get(name) as string),
  ];
  const quiet = args[0] === 'install' ? ['--prefer-offline', '--no-audit', '--no-fund'] : [];
  await run('npm', [...swapped, ...quiet, '--loglevel=error'], { cwd, env: userShell() });
}

/**
 * This process's environment as a user's shell has it: without the
 * `npm_config_*` settings pnpm hands its scripts (this workspace's
 * `engine-strict`, above all), which a new project of the user's never sees.
 */
function userShell(): Record<string, string | undefined> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^npm_config_/i.test(name)),
  );
  return { ...env, PATH };
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'apple-music-auth-readme-examples-'));
  mkdirSync(join(work, 'tarballs'));
  tarballs = await packAll(join(work, 'tarballs'));

  // The CLI, installed on its own as `npx @apple-music-auth/cli` would fetch it.
  const cli = join(work, 'cli');
  mkdirSync(cli);
  await npm(['init', '-y'], cli);
  await npm(['install', '@apple-music-auth/cli'], cli);
  // With no key option, in a temp folder of its own: a new throwaway key.
  mkdirSync(join(work, 'tmp'));
  const sandbox = start(
    join(cli, 'node_modules', '.bin', 'apple-music-auth'),
    ['sandbox', '--port', '0'],
    cli,
    { PATH, TMPDIR: join(work, 'tmp') },
  );
  await waitFor(sandbox, () => sandbox.output.stdout.includes('Press Ctrl-C to stop.'));
  sandboxOutput = sandbox.output.stdout;
  exported = Object.fromEntries(
    [...sandbox.output.stdout.matchAll(/^ {2}export (\w+)=(.*)$/gm)].map(([, name, value]) => [
      name,
      (value ?? '').replace(/^'(.*)'$/, '$1'),
    ]),
  );
  browser = await launchChromium();
}, 600_000);

afterAll(async () => {
  await browser?.close();
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  }
  if (work !== '') rmSync(work, { recursive: true, force: true });
});

describeWithChromium("each package README's first example, run as written", () => {
  it("`apple-music-auth sandbox` prints the lines the READMEs name, as the CLI README's sample shows them", () => {
    expect(Object.keys(exported)).toEqual(PRINTED_VARIABLES);
    const cliReadme = readFileSync(join(root, 'packages/cli/README.md'), 'utf8');
    const sample = /```text\n(Apple sandbox running at[\s\S]*?)```/.exec(cliReadme)?.[1] ?? '';
    const samplePath = /APPLE_PRIVATE_KEY_PATH=(\S+)/.exec(sample)?.[1] ?? '';
    // The sample's port (8787, the default) and key path (a uid of 1000) for this run's.
    const printed = sandboxOutput
      .replaceAll(exported.APPLE_MUSIC_SANDBOX_URL as string, 'http://127.0.0.1:8787')
      .replaceAll(exported.APPLE_PRIVATE_KEY_PATH as string, samplePath);
    expect(printed).toBe(sample);
  });

  it.each(PACKAGES_WITH_FIRST_EXAMPLE)(
    'packages/%s/README.md: a fresh project, node server.js, a login in Chromium',
    async (name) => {
      const example = readFirstExample(name);
      // Not named like a package it installs, which npm would refuse.
      const project = join(work, `my-${name}-app`);
      mkdirSync(project);
      for (const [command, ...args] of example.setup) {
        expect(command).toBe('npm');
        // A user on Node 20 pins what the frameworks' newest releases need
        // Node 22 for, where npm lets them: not the packages they install by name.
        if (args[0] === 'install' && process.versions.node.startsWith('20.')) {
          const pins = Object.entries(workspaceOverrides()).filter(
            ([pinned]) => !args.includes(pinned),
          );
          await npm(
            ['pkg', 'set', `overrides=${JSON.stringify(Object.fromEntries(pins))}`, '--json'],
            project,
          );
        }
        await npm(args, project);
      }
      expect(JSON.parse(readFileSync(join(project, 'package.json'), 'utf8'))).toMatchObject({
        type: 'module',
      });
      writeFileSync(join(project, 'server.js'), example.code);

      const port = await freePort();
      const app = start(process.execPath, ['server.js'], project, {
        PATH,
        PORT: String(port),
        ...exported,
      });
      const home = `http://localhost:${port}/`;
      await waitFor(app, () =>
        fetch(home).then(
          (response) => response.ok,
          () => false,
        ),
      );
      // Core said, once, that it talks to the sandbox the printed URL names.
      expect(app.output.stderr).toContain(
        `talks to the Apple Music sandbox at ${exported.APPLE_MUSIC_SANDBOX_URL}`,
      );

      const context = await (browser as Browser).newContext();
      try {
        const page = await context.newPage();
        await page.goto(home);
        await page.getByRole('link', { name: 'Sign in with Apple Music' }).click();
        await page.waitForURL(/\/auth\/apple-music$/);
        const popupOpened = page.waitForEvent('popup');
        await page.getByRole('button', { name: 'Continue with Apple Music' }).click();
        const popup = await popupOpened;
        expect(popup.url().startsWith(`${exported.APPLE_MUSIC_SANDBOX_URL}/woa?`)).toBe(true);
        await popup.getByRole('button', { name: 'Allow' }).click();
        await page.waitForURL(home);
        expect(await page.locator('#result').textContent()).toBe(
          'Signed in with Apple Music, storefront United States.',
        );
      } finally {
        await context.close();
      }
    },
  );
});
