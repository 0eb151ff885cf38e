// A package README's first example, as a user copies it: the code block
// under the `<!-- first-example -->` marker (the file to save as server.js)
// and the shell block before it (the commands that make the project).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './packed-packages.js';

/** The marker on the line right above the first example's code fence. */
export const FIRST_EXAMPLE_MARKER = '<!-- first-example -->';

/** The packages whose README's first example is an app, tested in Chromium. */
export const PACKAGES_WITH_FIRST_EXAMPLE = ['core', 'fastify', 'koa', 'passport'] as const;

/** What a README's first example is made of. */
export interface FirstExample {
  /** The README, relative to the repository's root. */
  readme: string;
  /** The code block under the marker, verbatim. */
  code: string;
  /** The commands of the last `sh` block before the marker, one per `&&`-joined part. */
  setup: string[][];
  /** The package names the code imports (not `node:` modules), e.g. `@apple-music-auth/core`. */
  imports: string[];
}

/** Every fenced block of `markdown`: its language, its text, and the line it opens on. */
function fencedBlocks(markdown: string): { language: string; text: string; line: number }[] {
  const lines = markdown.split('\n');
  const blocks: { language: string; text: string; line: number }[] = [];
  for (let index = 0; index < lines.length; index += 1) {
    const opening = /^```(\S*)$/.exec(lines[index] ?? '');
    if (!opening) continue;
    const closing = lines.findIndex((line, at) => at > index && line === '```');
    if (closing === -1) throw new Error(`unclosed code fence on line ${index + 1}`);
    blocks.push({
      language: opening[1] ?? '',
      text: `${lines.slice(index + 1, closing).join('\n')}\n`,
      line: index + 1,
    });
    index = closing;
  }
  return blocks;
}

/** The npm package a bare import specifier names (`@scope/name/sub` -> `@scope/name`). */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return (specifier.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/');
}

/**
 * Reads `packages/<name>/README.md`'s first example.
 *
 * @throws when the marker is missing, given twice, or not right above a
 *   `js` block, or when no `sh` block comes before it.
 */
export function readFirstExample(name: string): FirstExample {
  const readme = `packages/${name}/README.md`;
  const markdown = readFileSync(join(root, readme), 'utf8');
  const lines = markdown.split('\n');
  const markerLines = lines.flatMap((line, index) =>
    line.trim() === FIRST_EXAMPLE_MARKER ? [index + 1] : [],
  );
  if (markerLines.length !== 1) {
    throw new Error(`${readme} has ${markerLines.length} ${FIRST_EXAMPLE_MARKER} markers, not one`);
  }
  const [markerLine = 0] = markerLines;
  const blocks = fencedBlocks(markdown);
  const example = blocks.find((block) => block.line === markerLine + 1);
  if (example === undefined || example.language !== 'js') {
    throw new Error(`${readme}:${markerLine}: the marker must stand right above a \`js\` block`);
  }
  const shell = blocks.filter((block) => block.language === 'sh' && block.line < markerLine).at(-1);
  if (shell === undefined) throw new Error(`${readme}: no \`sh\` block before the first example`);
  const setup = shell.text
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line !== '')
    .flatMap((line) => line.split('&&').map((part) => part.trim().split(/\s+/)));
  const imports = [...example.text.matchAll(/(?:^import| from) '([^']+)';$/gm)]
    .map(([, specifier = '']) => specifier)
    .filter((specifier) => !specifier.startsWith('node:'))
    .map(packageOf);
  return { readme, code: example.text, setup, imports: [...new Set(imports)] };
}
