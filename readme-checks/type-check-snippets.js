/**
 * Type-checks the code blocks of Markdown files: each block becomes a module
 * in a throwaway folder inside this workspace package (so that the
 * workspace's packages and their dependencies resolve with their types), and
 * one TypeScript program checks them all with the repository's strict
 * settings (JavaScript with `checkJs`). Errors point at the Markdown file and
 * line, not at the throwaway module.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { snippetsInMarkdown } from './snippets-in-markdown.js';

const packageDir = path.dirname(fileURLToPath(import.meta.url));

/** Browser globals the snippets use that no package declares (MusicKit JS from Apple's CDN). */
const pageGlobals = path.join(packageDir, 'page-globals.d.ts');

/**
 * @typedef {object} SnippetError
 * @property {string} file The Markdown file (or other file), relative to the root.
 * @property {number} line Its 1-based line.
 * @property {string} message What TypeScript (or the marker check) says.
 */

/**
 * One module of the throwaway folder: a block, and the blocks that continue it.
 *
 * @typedef {object} SnippetModule
 * @property {string} file The Markdown file, relative to the root.
 * @property {'ts' | 'js'} extension What the module is checked as.
 * @property {{ line: number; code: string }[]} parts Each block's first line and code, in order.
 */

/**
 * @typedef {object} SkippedSnippet
 * @property {string} file The Markdown file, relative to the root.
 * @property {number} line The block's first line of code.
 * @property {string} reason The skip marker's reason.
 */

/**
 * @typedef {object} SnippetReport
 * @property {number} checked How many blocks were type-checked.
 * @property {SkippedSnippet[]} skipped The blocks a marker left unchecked.
 * @property {SnippetError[]} errors Empty when every checked block type-checks.
 */

/** The repository's compiler options, made to check JavaScript and emit nothing. */
function compilerOptions(/** @type {string} */ root) {
  const configPath = path.join(root, 'tsconfig.base.json');
  const { config, error } = ts.readConfigFile(configPath, ts.sys.readFile);
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, root);
  return {
    ...options,
    noEmit: true,
    allowJs: true,
    checkJs: true,
    declaration: false,
    declarationMap: false,
    sourceMap: false,
    // Every block is a module of its own, even one without an import.
    moduleDetection: ts.ModuleDetectionKind.Force,
  };
}

/**
 * Type-checks every TypeScript and JavaScript block of `markdownFiles`.
 *
 * @param {{ root: string; markdownFiles: readonly string[] }} input
 *   `root` is the repository root (its `tsconfig.base.json` gives the
 *   settings); `markdownFiles` are absolute paths.
 * @returns {SnippetReport}
 */
export function typeCheckSnippets({ root, markdownFiles }) {
  const folder = mkdtempSync(path.join(packageDir, '.snippets-'));
  try {
    /** @type {Map<string, SnippetModule>} */
    const modules = new Map();
    /** @type {SkippedSnippet[]} */
    const skipped = [];
    /** @type {SnippetError[]} */
    const errors = [];
    let checked = 0;
    for (const markdownFile of markdownFiles) {
      const file = path.relative(root, markdownFile);
      const { snippets, problems } = snippetsInMarkdown(readFileSync(markdownFile, 'utf8'));
      for (const problem of problems) errors.push({ file, ...problem });
      /** @type {SnippetModule | undefined} */
      let previous;
      for (const snippet of snippets) {
        if (snippet.skipReason !== undefined) {
          skipped.push({ file, line: snippet.line, reason: snippet.skipReason });
          continue;
        }
        checked += 1;
        if (snippet.continues && previous?.extension === snippet.extension) {
          previous.parts.push({ line: snippet.line, code: snippet.code });
          continue;
        }
        if (snippet.continues) {
          errors.push({
            file,
            line: snippet.line - 1,
            message: previous
              ? `a \`${snippet.extension}\` block cannot continue a \`${previous.extension}\` block`
              : 'a block marked `continues` needs a checked block above it',
          });
        }
        previous = {
          file,
          extension: snippet.extension,
          parts: [{ line: snippet.line, code: snippet.code }],
        };
        const modulePath = path.join(
          folder,
          path.dirname(file),
          `${path.basename(file, '.md')}-line-${snippet.line}.${snippet.extension}`,
        );
        modules.set(modulePath, previous);
      }
    }
    for (const [modulePath, snippetModule] of modules) {
      mkdirSync(path.dirname(modulePath), { recursive: true });
      writeFileSync(modulePath, snippetModule.parts.map((part) => part.code).join(''));
    }
    const program = ts.createProgram({
      rootNames: [...modules.keys(), pageGlobals],
      options: compilerOptions(root),
    });
    for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
      errors.push(locate(diagnostic, modules, root));
    }
    errors.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
    return { checked, skipped, errors };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/**
 * Where a diagnostic points: the Markdown line for a block's module, else the file itself.
 *
 * @param {ts.Diagnostic} diagnostic
 * @param {Map<string, SnippetModule>} modules
 * @param {string} root
 * @returns {SnippetError}
 */
function locate(diagnostic, modules, root) {
  const message = `TS${diagnostic.code}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
  const source = diagnostic.file;
  if (!source || diagnostic.start === undefined) return { file: '(compiler)', line: 0, message };
  const { line } = source.getLineAndCharacterOfPosition(diagnostic.start);
  const snippetModule = modules.get(path.normalize(source.fileName));
  if (!snippetModule)
    return { file: path.relative(root, source.fileName), line: line + 1, message };
  let linesBefore = 0;
  for (const part of snippetModule.parts) {
    const partLines = part.code.split('\n').length - 1;
    if (line < linesBefore + partLines) {
      return { file: snippetModule.file, line: part.line + line - linesBefore, message };
    }
    linesBefore += partLines;
  }
  return { file: snippetModule.file, line: snippetModule.parts[0]?.line ?? 0, message };
}
