// Bundle size for edge runtimes (issue 25): a minimal Cloudflare Worker that
// serves core's login and callback routes through `handleLogin` and
// `handleCallback`, bundled with esbuild as Wrangler would for workerd
// (its conditions, ESM, minified). Reports the bytes raw and gzipped and the
// modules that weigh most in the output, from esbuild's metafile.

import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const here = fileURLToPath(new URL('.', import.meta.url));

/** The Worker: the key and secrets from its environment, as Workers give them. */
const WORKER = `
import { createAppleMusicAuth } from '@apple-music-auth/core';

let auth;
export default {
  async fetch(request, env) {
    auth ??= createAppleMusicAuth({
      teamId: env.APPLE_TEAM_ID,
      keyId: env.APPLE_KEY_ID,
      privateKey: env.APPLE_PRIVATE_KEY,
      callbackURL: '/auth/apple-music/callback',
      appOrigins: [env.APP_ORIGIN],
      state: { secret: env.STATE_SECRET },
    });
    const { pathname } = new URL(request.url);
    if (pathname === '/auth/apple-music') return auth.handleLogin(request);
    if (pathname === '/auth/apple-music/callback') return auth.handleCallback(request);
    return new Response('Not found', { status: 404 });
  },
};
`;

/** esbuild's options for the Worker, as Wrangler bundles for workerd. */
const WORKER_BUILD = {
  stdin: { contents: WORKER, resolveDir: here, sourcefile: 'worker.mjs', loader: 'js' },
  bundle: true,
  write: false,
  minify: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  conditions: ['workerd', 'worker', 'browser'],
  mainFields: ['browser', 'module', 'main'],
  logLevel: 'warning',
};

/** A source file's short name: `core src/...` for core's own, the package name for a dependency. */
function partName(path) {
  if (path.includes('packages/core/src/')) return path.replace(/.*packages\/core\//, 'core ');
  return (
    /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? path
  );
}

/**
 * Bundles the Worker against the published build (what users get) for its
 * sizes; once more against core's sources, whose metafile says which
 * modules weigh most (the published build is one file per entry).
 */
export async function measureWorkerBundle() {
  const published = await build(WORKER_BUILD);
  const code = published.outputFiles[0].contents;
  const sources = await build({
    ...WORKER_BUILD,
    metafile: true,
    alias: { '@apple-music-auth/core': '../packages/core/src/index.ts' },
  });
  const [output] = Object.values(sources.metafile.outputs);
  const parts = new Map();
  for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
    const name = partName(path);
    parts.set(name, (parts.get(name) ?? 0) + bytesInOutput);
  }
  const heaviest = [...parts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([name, bytes]) => `${name} ${(bytes / 1024).toFixed(1)} KB`);
  return { raw: code.byteLength, gzipped: gzipSync(code).byteLength, heaviest };
}

/** Runs the bundle section; returns its table rows. */
export async function runBundle() {
  const { raw, gzipped, heaviest } = await measureWorkerBundle();
  console.log(
    `minimal Worker bundle, heaviest parts (minified, before gzip): ${heaviest.join(', ')}`,
  );
  return [
    {
      figure: 'minimal Worker (handleLogin + handleCallback), esbuild for workerd, minified',
      value: `${(raw / 1024).toFixed(1)} KB (${(gzipped / 1024).toFixed(1)} KB gzipped)`,
      target: '<= 30 KB gzipped',
      met: gzipped <= 30 * 1024,
    },
  ];
}
