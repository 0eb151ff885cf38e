// The main entry stays web-standard: none of our own modules it reaches
// imports a node: module, so Cloudflare Workers, Bun and Deno can load it.
// (That every entry of the built package loads with import() and require()
// is the packaging test's job, on the installed tarballs.)
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

/** `#default-transport` as the web runtimes resolve it (package.json `imports`), as a source file. */
const webTransport = resolve(
  packageDir,
  (
    JSON.parse(readFileSync(resolve(packageDir, 'package.json'), 'utf8')) as {
      imports: Record<string, Record<string, string>>;
    }
  ).imports['#default-transport']?.workerd ?? '',
)
  .replace('/dist/', '/src/')
  .replace(/\.js$/, '.ts');

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
        if (specifier === '#default-transport') visit(webTransport);
      }
    };
    visit(resolve(packageDir, 'src/index.ts'));
    expect(seen.size).toBeGreaterThan(10);
    // The transport is reached through the package's imports map, as on Workers.
    expect(seen).toContain(resolve(packageDir, 'src/apple-api/default-transport.ts'));
    expect(nodeImports).toEqual([]);
  });
});
