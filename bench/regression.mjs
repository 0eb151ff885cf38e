// The throughput table as a regression check: each ratio of a run is held
// against the same figure recorded in bench/README.md, and a ratio more than
// 10% below it fails the run (so does ours / passport-apple-music under 4x,
// the row's own target).
import { readFileSync } from 'node:fs';

const README = new URL('./README.md', import.meta.url);

/** How far below its recorded figure a ratio may fall. */
export const ALLOWED_DROP = 0.1;

/** The ratios (`0.62x`) of bench/README.md's tables, by figure. */
export function recordedRatios(markdown = readFileSync(README, 'utf8')) {
  const ratios = new Map();
  for (const line of markdown.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    const ratio = /^(\d+(?:\.\d+)?)x$/.exec(cells[2] ?? '');
    if (ratio !== null) ratios.set(cells[1], Number(ratio[1]));
  }
  return ratios;
}

/**
 * Marks each throughput row whose ratio dropped more than {@link ALLOWED_DROP}
 * below its recorded figure as not met, saying so in its target; returns
 * the rows that regressed.
 */
export function markRegressions(rows, recorded = recordedRatios()) {
  const regressed = [];
  for (const row of rows) {
    const value = /^(\d+(?:\.\d+)?)x$/.exec(row.value);
    const before = recorded.get(row.figure);
    if (value === null || before === undefined) continue;
    const floor = before * (1 - ALLOWED_DROP);
    row.target = `${row.target}; >= ${floor.toFixed(2)}x (recorded ${before}x - 10%)`;
    if (Number(value[1]) < floor) {
      row.met = false;
      regressed.push(row);
    }
  }
  return regressed;
}
