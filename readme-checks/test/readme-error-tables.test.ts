import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// Not exported by the package: the table the READMEs must agree with.
import {
  type AppleMusicAuthErrorCode,
  defaultStatusByCode,
} from '../../packages/core/src/errors.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const everyCode = Object.keys(defaultStatusByCode) as AppleMusicAuthErrorCode[];

/** The Markdown tables of a README, as header cells and rows of cells. */
function tablesOf(readme: string): { header: string[]; rows: string[][] }[] {
  const lines = readFileSync(path.join(root, readme), 'utf8').split('\n');
  const tables: { header: string[]; rows: string[][] }[] = [];
  let current: string[][] = [];
  for (const line of [...lines, '']) {
    if (line.startsWith('|')) {
      current.push(
        line
          .split('|')
          .slice(1, -1)
          .map((cell) => cell.trim()),
      );
      continue;
    }
    const [header, , ...rows] = current;
    if (header) tables.push({ header, rows });
    current = [];
  }
  return tables;
}

/** The error codes a table cell names; `ERR_STATE_*` names every state code. */
function codesIn(cell: string): AppleMusicAuthErrorCode[] {
  return [...cell.matchAll(/`(ERR_[A-Z_]+\*?)`/g)].flatMap(([, name = '']) =>
    name.endsWith('*')
      ? everyCode.filter((code) => code.startsWith(name.slice(0, -1)))
      : [name as AppleMusicAuthErrorCode],
  );
}

/** The one table of `readme` with a `code`/`codes` column (and `status`, when asked). */
function errorTable(readme: string, withStatus: boolean) {
  const tables = tablesOf(readme).filter(
    ({ header }) =>
      header.some((cell) => /^codes?$/.test(cell)) && (!withStatus || header.includes('status')),
  );
  expect(tables, `${readme} has one errors table`).toHaveLength(1);
  const [table] = tables;
  if (!table) throw new Error(`${readme} has no errors table`);
  const codeColumn = table.header.findIndex((cell) => /^codes?$/.test(cell));
  const statusColumn = table.header.indexOf('status');
  return table.rows.map((row) => ({
    codes: codesIn(row[codeColumn] ?? ''),
    statuses: [...(row[statusColumn] ?? '').matchAll(/\b\d{3}\b/g)].map(Number),
  }));
}

describe.each(['packages/core/README.md', 'packages/fastify/README.md', 'packages/koa/README.md'])(
  'the errors table of %s',
  (readme) => {
    it('lists every code of core exactly once', () => {
      const listed = errorTable(readme, true).flatMap((row) => row.codes);
      expect([...listed].sort()).toEqual([...everyCode].sort());
    });

    it("gives each code core's default status (first, when a code has several)", () => {
      for (const { codes, statuses } of errorTable(readme, true)) {
        const expected = codes.map((code) => defaultStatusByCode[code]);
        const stated =
          codes.length > 1 && statuses.length === codes.length
            ? statuses
            : codes.map(() => statuses[0]);
        expect(stated, `the row of ${codes.join(', ')}`).toEqual(expected);
      }
    });
  },
);

describe('the outcomes table of packages/passport/README.md', () => {
  it('names every code of core', () => {
    const listed = new Set(
      errorTable('packages/passport/README.md', false).flatMap((row) => row.codes),
    );
    expect([...listed].sort()).toEqual([...everyCode].sort());
  });
});
