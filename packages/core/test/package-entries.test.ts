import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('..', import.meta.url));

/** Each public entry of the built package and one export it must have. */
const entries = [
  ['@apple-music-auth/core', 'createAppleMusicAuth'],
  ['@apple-music-auth/core/node', 'readPrivateKey'],
  ['@apple-music-auth/core/browser', 'requestMusicUserToken'],
] as const;

describe('the built package', () => {
  it.each(entries)('%s loads with import()', async (specifier, name) => {
    const { stdout } = await run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const m = await import('${specifier}'); console.log(typeof m.${name});`,
      ],
      { cwd: packageDir },
    );
    expect(stdout.trim()).toBe('function');
  });

  it.each(entries)(
    '%s loads with require() (Node 20.19+ require(esm))',
    async (specifier, name) => {
      const { stdout, stderr } = await run(
        process.execPath,
        ['--input-type=commonjs', '-e', `console.log(typeof require('${specifier}').${name});`],
        { cwd: packageDir },
      );
      expect(stdout.trim()).toBe('function');
      expect(stderr).not.toMatch(/ERR_REQUIRE/);
    },
  );
});

describe('the main entry', () => {
  it('imports no node: module from our own sources (web-standard runtimes)', () => {
    const seen = new Set<string>();
    const nodeImports: string[] = [];
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = readFileSync(file, 'utf8');
      for (const [, specifier] of source.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)) {
        if (specifier === undefined) continue;
        if (specifier.startsWith('node:')) nodeImports.push(`${file}: ${specifier}`);
        if (specifier.startsWith('.'))
          visit(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      }
    };
    visit(resolve(packageDir, 'src/index.ts'));
    expect(seen.size).toBeGreaterThan(10);
    expect(nodeImports).toEqual([]);
  });
});
