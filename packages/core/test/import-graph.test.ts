// Imports point one way: no module of core's src/ reaches itself again
// through its imports, type imports and re-exports included.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const srcDir = fileURLToPath(new URL('../src', import.meta.url));

/** Every `.ts` file under `dir`. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

/** The relative modules a file imports or re-exports, `import type` included. */
function importsOf(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const [, specifier] of source.matchAll(
    /(?:^|\s)(?:import|export)\s[^'"]*?from\s*'(\.[^']+)'|import\(\s*'(\.[^']+)'\s*\)/g,
  )) {
    if (specifier !== undefined) {
      found.push(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
    }
  }
  return found;
}

/** The first import circle found, as the files along it, or `undefined`. */
export function findCircle(graph: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const done = new Set<string>();
  const path: string[] = [];
  const onPath = new Set<string>();
  const visit = (file: string): string[] | undefined => {
    if (onPath.has(file)) return [...path.slice(path.indexOf(file)), file];
    if (done.has(file)) return undefined;
    onPath.add(file);
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      const circle = visit(next);
      if (circle) return circle;
    }
    path.pop();
    onPath.delete(file);
    done.add(file);
    return undefined;
  };
  for (const file of graph.keys()) {
    const circle = visit(file);
    if (circle) return circle;
  }
  return undefined;
}

describe("core's import graph", () => {
  it('finds a circle when there is one (the check itself)', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
    ]);
    expect(findCircle(graph)).toEqual(['a', 'b', 'c', 'a']);
    expect(
      findCircle(
        new Map([
          ['a', ['b']],
          ['b', []],
        ]),
      ),
    ).toBeUndefined();
  });

  it('reads type imports and re-exports as edges', () => {
    const file = join(srcDir, 'index.ts');
    expect(importsOf(file).length).toBeGreaterThan(5);
  });

  it('has no circle in src/, type imports included', () => {
    const files = sourceFiles(srcDir);
    expect(files.length).toBeGreaterThan(30);
    const graph = new Map(files.map((file) => [file, importsOf(file)]));
    const circle = findCircle(graph);
    expect(circle?.map((file) => relative(srcDir, file))).toBeUndefined();
  });

  it('has folders that import one way (docs/layout.md), each top-level file its own node', () => {
    const nodeOf = (file: string) => relative(srcDir, file).split('/')[0] as string;
    const folders = new Map<string, Set<string>>();
    for (const file of sourceFiles(srcDir)) {
      const from = nodeOf(file);
      const edges = folders.get(from) ?? new Set<string>();
      for (const target of importsOf(file)) {
        if (nodeOf(target) !== from) edges.add(nodeOf(target));
      }
      folders.set(from, edges);
    }
    expect(folders.get('routes')).toContain('state');
    const graph = new Map([...folders].map(([folder, edges]) => [folder, [...edges]]));
    expect(findCircle(graph)).toBeUndefined();
  });
});
