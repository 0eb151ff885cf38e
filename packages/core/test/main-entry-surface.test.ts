// The main entry is one layer per use: at most 40 names, types included.
// Counted from the entry's own text, so a type-only export counts too.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const MAX_NAMES = 40;

/** The names `src/index.ts` exports, read from its `export { ... }` and `export type { ... }` lists. */
function exportedNames(): string[] {
  const source = readFileSync(new URL('../src/index.ts', import.meta.url), 'utf8');
  const names: string[] = [];
  for (const [, list] of source.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}/g)) {
    for (const item of (list ?? '').split(',')) {
      const name = item
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/)
        .pop();
      if (name) names.push(name);
    }
  }
  expect(source).not.toMatch(/export\s+\*/);
  return names;
}

describe('the main entry', () => {
  it(`exports at most ${MAX_NAMES} names, types included, each once`, () => {
    const names = exportedNames();
    expect(names.length).toBeGreaterThan(0);
    expect(new Set(names).size).toBe(names.length);
    expect(names.length).toBeLessThanOrEqual(MAX_NAMES);
  });

  it('exports what the type checker sees as values at runtime too', async () => {
    const entry = await import('../src/index.js');
    expect(Object.keys(entry).length).toBeLessThanOrEqual(exportedNames().length);
    expect(entry.createAppleMusicAuth).toBeTypeOf('function');
  });
});
