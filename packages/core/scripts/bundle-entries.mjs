// Bundles core's JavaScript per public entry (`.`, `./node`, and the two
// `#default-transport` targets) into dist/, after tsc has written the
// declarations. One module per entry instead of one per source file: a cold
// start (a serverless instance) resolves and loads about seventy fewer
// files. Shared code goes into chunks, so every server entry sees the same
// classes (`instanceof AppleMusicAuthError` holds across entries).
// `./browser` is bundled on its own into one self-contained module, which a
// page can load as it is.
// Dependencies and `#default-transport` stay imports, resolved by Node or
// the app's bundler under their own conditions. esbuild adds a bare
// `import "./chunk.js"` where an entry only needs a chunk evaluated early;
// core's modules have no side effects (package.json says so), so those lines
// are blanked (line numbers, and so the source maps, stay right): left in,
// every app bundling core with esbuild, Wrangler included, would get a
// warning that they are ignored.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** What both passes share: ESM for ES2022, dependencies left as imports, source maps. */
const common = {
  absWorkingDir: root,
  outdir: 'dist',
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  packages: 'external',
  external: ['#default-transport', 'node:*'],
  sourcemap: true,
  sourcesContent: false,
  logLevel: 'warning',
  write: false,
};

const server = await build({
  ...common,
  entryPoints: {
    index: 'src/index.ts',
    'node/index': 'src/node/index.ts',
    'apple-api/default-transport': 'src/apple-api/default-transport.ts',
    'apple-api/default-transport.node': 'src/apple-api/default-transport.node.ts',
  },
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
});
const browser = await build({
  ...common,
  entryPoints: { 'browser/index': 'src/browser/index.ts' },
});

for (const file of [...server.outputFiles, ...browser.outputFiles]) {
  const text = file.path.endsWith('.js')
    ? file.text.replace(/^import "\.{1,2}\/[^"]*chunks\/[^"]+";$/gm, '')
    : file.text;
  mkdirSync(dirname(file.path), { recursive: true });
  writeFileSync(file.path, text);
}
