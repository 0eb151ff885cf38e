// The workspace's packages as npm would get them: every publishable package
// under packages/ packed with pnpm (so `workspace:*` becomes a version), and
// the overrides a user on Node 20 needs beside them. Shared by the packaging
// tests, which install the tarballs into throwaway projects outside the workspace.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** `execFile` as a promise. */
export const run = promisify(execFile);

/** The repository's root folder. */
export const root = fileURLToPath(new URL('..', import.meta.url));

/** The fields of a package's manifest these tests read. */
export interface Manifest {
  name: string;
  private?: boolean;
  exports: Record<string, unknown>;
  bin?: Record<string, string>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

/** Every publishable package under packages/, with its folder. */
export const manifests: { dir: string; manifest: Manifest }[] = readdirSync(join(root, 'packages'))
  .map((name) => join(root, 'packages', name))
  .filter((dir) => existsSync(join(dir, 'package.json')))
  .map((dir) => ({
    dir,
    manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest,
  }))
  .filter(({ manifest }) => manifest.private !== true);

/** pnpm as the root script runs it (`npm_execpath`), else the pinned one through npx. */
function pnpm(args: string[], cwd: string) {
  const execPath = process.env.npm_execpath;
  return execPath?.includes('pnpm')
    ? run(process.execPath, [execPath, ...args], { cwd })
    : run('npx', ['--yes', 'pnpm@10.34.9', ...args], { cwd });
}

/**
 * Packs every publishable package into `destination` (built `dist/` as it
 * is: run the build first) and returns each tarball's path by package name.
 */
export async function packAll(destination: string): Promise<Map<string, string>> {
  const tarballs = new Map<string, string>();
  for (const { dir, manifest } of manifests) {
    const before = new Set(readdirSync(destination));
    await pnpm(['pack', '--pack-destination', destination], dir);
    const made = readdirSync(destination).find((file) => !before.has(file));
    if (made === undefined) throw new Error(`pnpm pack wrote no tarball for ${manifest.name}`);
    tarballs.set(manifest.name, join(destination, made));
  }
  return tarballs;
}

/**
 * The workspace's overrides (pnpm-workspace.yaml), which keep the frameworks'
 * own dependencies on releases that install on Node 20, as a user there pins them.
 */
export function workspaceOverrides(): Record<string, string> {
  return Object.fromEntries(
    [
      ...readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8').matchAll(
        /^ {2}"?([@\w/.-]+)"?: ([\d.]+)$/gm,
      ),
    ].map(([, name, version]) => [name, version]),
  );
}

/**
 * `names` and every package of this workspace they depend on, directly or
 * not: what npm would fetch from the registry once they are published.
 */
export function withWorkspaceDependencies(names: readonly string[]): string[] {
  const byName = new Map(manifests.map(({ manifest }) => [manifest.name, manifest]));
  const found = new Set<string>();
  const visit = (name: string): void => {
    const manifest = byName.get(name);
    if (manifest === undefined || found.has(name)) return;
    found.add(name);
    for (const dependency of Object.keys(manifest.dependencies ?? {})) visit(dependency);
  };
  for (const name of names) visit(name);
  return [...found];
}
