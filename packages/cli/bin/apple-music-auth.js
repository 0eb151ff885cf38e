#!/usr/bin/env node
// The `apple-music-auth` executable. It is committed outside dist/ so that
// pnpm can link it on a fresh clone before the first build; the CLI itself
// is dist/main.js, built from src/main.ts.
try {
  await import('../dist/main.js');
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('main.js')) {
    throw error;
  }
  console.error(
    'apple-music-auth: the CLI is not built yet: run `npx --yes pnpm@10.34.9 build` first.',
  );
  process.exitCode = 1;
}
