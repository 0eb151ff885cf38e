/**
 * The TypeScript and JavaScript code blocks of a Markdown file, with the line
 * each starts on, ready to be written out as modules and type-checked.
 */

/** Fence languages that are checked, and the file extension each is checked as. */
const extensionByLanguage = new Map([
  ['ts', 'ts'],
  ['typescript', 'ts'],
  ['js', 'js'],
  ['javascript', 'js'],
]);

/**
 * The markers a checked block may have on the line right above its fence:
 *
 * - `<!-- readme-snippets: continues -->`: the block continues the previous
 *   checked block of the file (it is checked as one module with it), for a
 *   text that grows one example step by step;
 * - `<!-- readme-snippets: skip (why) -->`: the block is not checked; the
 *   reason is required, so every exception is visible in the README.
 */
const marker = /^\s*<!--\s*readme-snippets:\s*(\S+)\s*(.*?)\s*-->\s*$/;

const fenceOpening = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)/;

/**
 * True when `line` closes a block opened with `fence`: the same character,
 * at least as many times, and nothing else.
 *
 * @param {string} line
 * @param {string} fence
 */
function closesFence(line, fence) {
  const trimmed = line.trim();
  return trimmed.length >= fence.length && trimmed === (fence[0] ?? '`').repeat(trimmed.length);
}

/**
 * @typedef {object} MarkdownSnippet
 * @property {number} line The 1-based line of the block's first line of code.
 * @property {'ts' | 'js'} extension What the block is checked as.
 * @property {string} code The block's code, its fence's indentation removed.
 * @property {string | undefined} skipReason Why the block is not checked, when a skip marker says so.
 * @property {boolean} continues True when the block continues the previous checked block.
 */

/**
 * @typedef {object} MarkdownProblem
 * @property {number} line The 1-based line of the problem.
 * @property {string} message What is wrong and what to do.
 */

/**
 * Finds the checked code blocks of a Markdown text (```ts, ```typescript,
 * ```js, ```javascript, indented ones inside lists included) and the
 * problems with their markers: a skip marker without a reason, or one that
 * does not stand right above a checked block.
 *
 * @param {string} markdown
 * @returns {{ snippets: MarkdownSnippet[]; problems: MarkdownProblem[] }}
 */
export function snippetsInMarkdown(markdown) {
  const lines = markdown.split(/\r?\n/);
  /** @type {MarkdownSnippet[]} */
  const snippets = [];
  /** @type {MarkdownProblem[]} */
  const problems = [];
  for (let index = 0; index < lines.length; index += 1) {
    const opening = fenceOpening.exec(lines[index] ?? '');
    if (!opening) {
      const found = marker.exec(lines[index] ?? '');
      if (found && !fenceOpening.test(lines[index + 1] ?? '')) {
        problems.push({
          line: index + 1,
          message: 'a readme-snippets marker must stand on the line right above a code fence',
        });
      }
      continue;
    }
    const [, indent = '', fence = '', language = ''] = opening;
    const closing = lines.findIndex((line, at) => at > index && closesFence(line, fence));
    const end = closing === -1 ? lines.length : closing;
    const extension = extensionByLanguage.get(language.toLowerCase());
    const [, kind, reason = ''] = marker.exec(lines[index - 1] ?? '') ?? [];
    const markerLine = index;
    if (kind !== undefined && !extension) {
      problems.push({
        line: markerLine,
        message: `a readme-snippets marker stands above a \`${language || 'plain'}\` block, which is not checked anyway`,
      });
    } else if (kind !== undefined && kind !== 'skip' && kind !== 'continues') {
      problems.push({
        line: markerLine,
        message: `unknown readme-snippets marker \`${kind}\`: use \`skip (why)\` or \`continues\``,
      });
    }
    const skipReason = kind === 'skip' ? reason.replace(/^\((.*)\)$/, '$1').trim() : undefined;
    if (skipReason === '') {
      problems.push({
        line: markerLine,
        message:
          'a readme-snippets skip marker needs a reason: <!-- readme-snippets: skip (why) -->',
      });
    }
    if (extension === 'ts' || extension === 'js') {
      const code = lines
        .slice(index + 1, end)
        .map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line.trimStart()))
        .join('\n');
      snippets.push({
        line: index + 2,
        extension,
        code: `${code}\n`,
        skipReason: skipReason || undefined,
        continues: kind === 'continues',
      });
    }
    index = end;
  }
  return { snippets, problems };
}
