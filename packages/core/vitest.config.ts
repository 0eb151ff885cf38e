import { fileURLToPath } from 'node:url';
import { defineProject, type UserWorkspaceConfig } from 'vitest/config';

const sources = fileURLToPath(new URL('./src/', import.meta.url));

/**
 * Core's test options, with the sources' `#default-transport` taken from
 * src/ (package.json points it into dist/): `default-transport.node.ts`
 * (undici) as on Node.js, or `default-transport.ts` (the global `fetch`) as
 * where undici is not available.
 */
export function coreConfig(
  transport: 'apple-api/default-transport.node.ts' | 'apple-api/default-transport.ts',
  test: NonNullable<UserWorkspaceConfig['test']> = {},
): UserWorkspaceConfig {
  return defineProject({
    plugins: [
      {
        name: 'default-transport-from-sources',
        enforce: 'pre',
        resolveId(id, importer) {
          if (id !== '#default-transport' || !importer?.startsWith(sources)) return null;
          return `${sources}${transport}`;
        },
      },
    ],
    test: { testTimeout: 20_000, ...test },
  });
}

// Options of every project of core on Node.js's transport: vitest.workspace.ts
// names them and picks their files.
export default coreConfig('apple-api/default-transport.node.ts');
