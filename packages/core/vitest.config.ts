import { fileURLToPath } from 'node:url';
import { defineProject, type UserWorkspaceConfig } from 'vitest/config';

const sources = fileURLToPath(new URL('./src/', import.meta.url));

/**
 * Core's test project, with the sources' `#default-transport` taken from
 * src/ (package.json points it into dist/): `default-transport.node.ts`
 * (undici) as on Node.js, or `default-transport.ts` (the global `fetch`) as
 * where undici is not available.
 */
export function coreProject(
  name: string,
  transport: 'default-transport.node.ts' | 'default-transport.ts',
  include: string[],
  exclude: string[] = [],
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
    test: { name, include, exclude, testTimeout: 20_000 },
  });
}

export default coreProject('core', 'default-transport.node.ts', ['test/**/*.test.ts']);
