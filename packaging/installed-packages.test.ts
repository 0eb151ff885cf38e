// The packages as a user gets them: every package under packages/ is packed
// with pnpm and the tarballs are installed with npm into one throwaway
// project outside the workspace. There, every entry of every `exports` map
// must load with import and require(), its types must resolve with
// TypeScript's node16 and bundler resolution, and every bin must run.
import { generateKeyPairSync } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifiedClaims } from '../testing/developer-token-route.js';
import { manifests, packAll, root, run, workspaceOverrides } from './packed-packages.js';

const tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');

/** Each `exports` subpath as the specifier a user writes, e.g. `@apple-music-auth/core/node`. */
const specifiers = manifests.flatMap(({ manifest }) =>
  Object.keys(manifest.exports).map((subpath) => `${manifest.name}${subpath.slice(1)}`),
);
const modules = specifiers.filter((specifier) => !specifier.endsWith('/package.json'));
const bins = manifests.flatMap(({ manifest }) => Object.keys(manifest.bin ?? {}));

/** Runs Node.js (this test's own, so the newest-LTS run checks that version) on a script. */
async function node(script: string): Promise<string> {
  const { stdout } = await run(process.execPath, [script], { cwd: project });
  return stdout;
}

let project = '';

beforeAll(async () => {
  project = mkdtempSync(join(tmpdir(), 'apple-music-auth-packaging-'));
  const tarballs = join(project, 'tarballs');
  mkdirSync(tarballs);
  const packed = await packAll(tarballs);
  const overrides = workspaceOverrides();
  writeFileSync(join(project, 'package.json'), `${JSON.stringify({ private: true, overrides })}\n`);
  await run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      '--loglevel=error',
      ...packed.values(),
      // What an app that uses every entry installs beside them: the peers,
      // optional ones included (koa's types, fast-check for the sandbox's fuzzer).
      ...peersToInstall(),
      '@types/node@20',
    ],
    { cwd: project },
  );
});

/** Every package's peer dependencies outside this workspace, as `name@range`. */
function peersToInstall(): string[] {
  const peers = new Map<string, string>();
  for (const { manifest } of manifests) {
    for (const [name, range] of Object.entries(manifest.peerDependencies ?? {})) {
      if (!name.startsWith('@apple-music-auth/')) peers.set(name, range);
    }
  }
  return [...peers].map(([name, range]) => `${name}@${range}`);
}

afterAll(() => {
  if (project !== '') rmSync(project, { recursive: true, force: true });
});

describe('the installed tarballs', () => {
  it('cover every package with at least one entry', () => {
    expect(manifests.map(({ manifest }) => manifest.name).sort()).toEqual(
      ['cli', 'core', 'fastify', 'koa', 'passport', 'sandbox'].map(
        (name) => `@apple-music-auth/${name}`,
      ),
    );
    for (const { manifest } of manifests) {
      const own = modules.filter((s) => s === manifest.name || s.startsWith(`${manifest.name}/`));
      expect(own.length, manifest.name).toBeGreaterThan(0);
    }
  });

  it('ship each package with its README and CHANGELOG', () => {
    for (const { manifest } of manifests) {
      for (const file of ['README.md', 'CHANGELOG.md']) {
        expect(
          existsSync(join(project, 'node_modules', manifest.name, file)),
          `${manifest.name}/${file}`,
        ).toBe(true);
      }
    }
  });

  it('point every types entry and every source map at files the tarball ships', () => {
    for (const { manifest } of manifests) {
      const installed = join(project, 'node_modules', manifest.name);
      const shipped = (file: string) => {
        const path = resolve(installed, file);
        return !relative(installed, path).startsWith('..') && existsSync(path);
      };
      const installedManifest = JSON.parse(
        readFileSync(join(installed, 'package.json'), 'utf8'),
      ) as { exports: unknown; imports?: unknown };
      for (const target of typesTargets([installedManifest.exports, installedManifest.imports])) {
        expect(shipped(target), `${manifest.name}: types ${target}`).toBe(true);
      }
      const maps = (readdirSync(installed, { recursive: true }) as string[]).filter(
        (file) => file.endsWith('.map') && !file.startsWith('node_modules'),
      );
      expect(maps.length, `${manifest.name}: source maps`).toBeGreaterThan(0);
      for (const map of maps) {
        const { sources } = JSON.parse(readFileSync(join(installed, map), 'utf8')) as {
          sources: string[];
        };
        expect(sources.length, map).toBeGreaterThan(0);
        for (const source of sources) {
          expect(shipped(join(dirname(map), source)), `${manifest.name}/${map}: ${source}`).toBe(
            true,
          );
        }
      }
    }
  });

  it('load every entry with import and with require(), with the same exports', async () => {
    const listExports = (load: (specifier: string) => string) =>
      `const names = {};\n${modules
        .map(
          (specifier) =>
            // require() of ESM marks a module with a default export `__esModule`: interop only.
            `names[${JSON.stringify(specifier)}] = Object.keys(${load(specifier)}).filter((name) => name !== '__esModule').sort();`,
        )
        .join('\n')}\nconsole.log(JSON.stringify(names));`;
    writeFileSync(
      join(project, 'entries.mjs'),
      listExports((s) => `await import(${JSON.stringify(s)})`),
    );
    writeFileSync(
      join(project, 'entries.cjs'),
      listExports((s) => `require(${JSON.stringify(s)})`),
    );
    const imported = JSON.parse(await node('entries.mjs')) as Record<string, string[]>;
    const required = JSON.parse(await node('entries.cjs')) as Record<string, string[]>;
    expect(Object.keys(imported).sort()).toEqual([...modules].sort());
    for (const specifier of modules)
      expect(imported[specifier]?.length, specifier).toBeGreaterThan(0);
    expect(required).toEqual(imported);
  });

  it('load every package.json export with require() and import', async () => {
    const manifestsOnly = specifiers.filter((specifier) => specifier.endsWith('/package.json'));
    writeFileSync(
      join(project, 'manifests.mjs'),
      `import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\nconsole.log(JSON.stringify(await Promise.all(${JSON.stringify(manifestsOnly)}.map(async (s) => [require(s).name, (await import(s, { with: { type: 'json' } })).default.name]))));`,
    );
    const names = JSON.parse(await node('manifests.mjs')) as [string, string][];
    expect(names).toEqual(manifests.map(({ manifest }) => [manifest.name, manifest.name]));
  });

  it.concurrent.each(['node16', 'bundler'] as const)(
    "resolve every entry's types with moduleResolution %s",
    async (resolution) => {
      const lines = modules.map(
        (specifier, index) =>
          `import * as entry${index} from ${JSON.stringify(specifier)};\nexport const exports${index}: number = Object.keys(entry${index}).length;`,
      );
      writeFileSync(join(project, `types-${resolution}.mts`), `${lines.join('\n')}\n`);
      const config = {
        compilerOptions: {
          module: resolution === 'node16' ? 'node16' : 'esnext',
          moduleResolution: resolution,
          target: 'es2022',
          lib: ['es2023', 'dom', 'dom.iterable'],
          types: ['node'],
          strict: true,
          noEmit: true,
        },
        files: [`types-${resolution}.mts`],
      };
      writeFileSync(join(project, `tsconfig.${resolution}.json`), JSON.stringify(config));
      const result = await run(process.execPath, [tsc, '-p', `tsconfig.${resolution}.json`], {
        cwd: project,
      }).catch((error: { stdout: string }) => ({ stdout: error.stdout }));
      expect(result.stdout).toBe('');
    },
  );

  it.each(bins)('run the %s bin from node_modules/.bin', async (bin) => {
    const { stdout } = await runBin(bin, ['--help']);
    expect(stdout).toContain(`Usage: ${bin}`);
  });

  it('sign a developer token with the installed apple-music-auth, from @apple-music-auth/cli alone', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const keyFile = join(project, 'AuthKey_KEY1234567.p8');
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const signing = ['--team-id', 'ABCDE12345', '--key-id', 'KEY1234567', '--key', keyFile];
    const { stdout } = await runBin('apple-music-auth', ['token', ...signing, '--json']);
    const { token } = JSON.parse(stdout) as { token: string };
    expect(verifiedClaims(token, publicKey)).toMatchObject({ iss: 'ABCDE12345' });

    const manifest = (name: string) =>
      JSON.parse(
        readFileSync(join(project, 'node_modules', name, 'package.json'), 'utf8'),
      ) as Record<string, Record<string, string> | undefined>;
    expect(Object.keys(manifest('@apple-music-auth/cli').bin ?? {})).toEqual(['apple-music-auth']);
    const core = manifest('@apple-music-auth/core');
    expect(core.bin).toBeUndefined();
    expect({ ...core.dependencies, ...core.peerDependencies }).not.toHaveProperty(
      '@apple-music-auth/sandbox',
    );
  });
});

/** Every path under a `types` condition in `exports` and `imports` maps, at any depth. */
function typesTargets(maps: unknown[]): string[] {
  const targets: string[] = [];
  const visit = (value: unknown): void => {
    if (typeof value !== 'object' || value === null) return;
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'types' && typeof inner === 'string') targets.push(inner);
      else visit(inner);
    }
  };
  for (const map of maps) visit(map);
  return targets;
}

/** Runs an installed bin, on this test's Node.js. */
function runBin(bin: string, args: string[]) {
  return run(join(project, 'node_modules', '.bin', bin), args, {
    cwd: project,
    env: { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH}` },
  });
}
