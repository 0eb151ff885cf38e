/**
 * `node readme-checks/check-readme-snippets.js [file.md ...]` (part of
 * `pnpm typecheck`): type-checks the TypeScript and JavaScript blocks of the
 * given Markdown files, by default every README.md in the repository, and
 * prints each error as `path:line: message`. Exits 1 on any.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { typeCheckSnippets } from './type-check-snippets.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Folders that hold no README of ours: dependencies, build output, hidden folders. */
const ignoredFolders = new Set(['node_modules', 'dist', 'coverage', 'test-results', 'reports']);

/**
 * Every README.md under `folder`.
 *
 * @param {string} folder
 * @returns {string[]}
 */
function readmesUnder(folder) {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const entryPath = path.join(folder, entry.name);
    if (entry.isDirectory()) {
      return entry.name.startsWith('.') || ignoredFolders.has(entry.name)
        ? []
        : readmesUnder(entryPath);
    }
    return entry.name === 'README.md' ? [entryPath] : [];
  });
}

const given = process.argv.slice(2).map((file) => path.resolve(file));
const markdownFiles = given.length > 0 ? given : readmesUnder(root).sort();
const { checked, skipped, errors } = typeCheckSnippets({ root, markdownFiles });
for (const error of errors) console.error(`${error.file}:${error.line}: ${error.message}`);
for (const skip of skipped) console.warn(`${skip.file}:${skip.line}: not checked: ${skip.reason}`);
if (errors.length > 0) {
  console.error(
    `readme-snippets: ${errors.length} error(s) in the README code blocks; fix the README (or the code it describes).`,
  );
  process.exitCode = 1;
} else {
  process.stdout.write(
    `readme-snippets: ${checked} code blocks in ${markdownFiles.length} Markdown files type-check (${skipped.length} marked not checked)\n`,
  );
}
