// core/browser's createDeveloperTokenSource as a file the examples serve at
// /developer-token-source.js, for their MusicKit pages.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The module's source, read once from the installed `@apple-music-auth/core/browser`. */
export const developerTokenSourceScript = readFileSync(
  join(
    dirname(createRequire(import.meta.url).resolve('@apple-music-auth/core/browser')),
    'developer-token-source.js',
  ),
  'utf8',
);
