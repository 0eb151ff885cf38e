import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const fixtures = path.join(packageDir, 'test', 'fixtures');

/** Runs the checker's command line on fixture files; resolves with its exit code and output. */
async function check(...files: string[]) {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['check-readme-snippets.js', ...files.map((file) => path.join(fixtures, file))],
      { cwd: packageDir },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** The 1-based line of the first line of `file` that contains `text`. */
function lineOf(file: string, text: string): number {
  const lines = readFileSync(path.join(fixtures, file), 'utf8').split('\n');
  const index = lines.findIndex((line) => line.includes(text));
  if (index === -1) throw new Error(`${file} has no line with ${text}`);
  return index + 1;
}

describe('check-readme-snippets', () => {
  it('fails on a wrong option name and names the Markdown file and line', async () => {
    const { code, stderr } = await check('wrong-option.md');

    expect(code).toBe(1);
    const line = lineOf('wrong-option.md', "teamID: 'ABCDE12345'");
    expect(stderr).toContain(
      `readme-checks/test/fixtures/wrong-option.md:${line}: TS2561: Object literal may only specify known properties, but 'teamID' does not exist in type 'AppleMusicAuthOptions'.`,
    );
    // The sh block is not checked: the one error is the option's.
    expect(stderr.match(/wrong-option\.md:\d+:/g)).toHaveLength(1);
  });

  describe('on the markers fixture', () => {
    let markers: Awaited<ReturnType<typeof check>>;
    beforeAll(async () => {
      markers = await check('markers.md');
    });

    it('checks a continued block with the one above it, at the continued block’s line', async () => {
      const { stderr } = markers;

      const line = lineOf('markers.md', 'const returnTo: number = result.returnTo;');
      expect(stderr).toContain(
        `markers.md:${line}: TS2322: Type 'string | undefined' is not assignable to type 'number'.`,
      );
    });

    it('checks indented blocks inside lists at their own lines', async () => {
      const { stderr } = markers;

      const line = lineOf('markers.md', 'const indented: string = 42;');
      expect(stderr).toContain(
        `markers.md:${line}: TS2322: Type 'number' is not assignable to type 'string'.`,
      );
    });

    it('leaves a block with a reasoned skip marker unchecked, and says so', async () => {
      const { stderr } = markers;

      const line = lineOf('markers.md', "const notChecked: number = 'a string';");
      expect(stderr).toContain(`markers.md:${line}: not checked: a deliberately broken fragment`);
      expect(stderr).not.toContain(`markers.md:${line}: TS`);
    });

    it('refuses a skip marker without a reason', async () => {
      const { code, stderr } = markers;

      expect(code).toBe(1);
      const line = lineOf('markers.md', '<!-- readme-snippets: skip -->');
      expect(stderr).toContain(`markers.md:${line}: a readme-snippets skip marker needs a reason`);
    });
  });

  it('passes a file whose blocks type-check', async () => {
    const { code, stdout } = await check('complete-example.md');

    expect(code).toBe(0);
    expect(stdout).toContain('readme-snippets: 2 code blocks in 1 Markdown files type-check');
  });
});
