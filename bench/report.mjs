// The machine line and the table every benchmark prints.
import { cpus } from 'node:os';

/** One line that says where the figures come from. */
export function machineLine() {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `machine: ${cpus().length} CPUs (${cpu.trim()}), Node ${process.version}, ${process.platform}/${process.arch}`;
}

/** Prints rows of { figure, value, target, met } as a Markdown table; returns it. */
export function printTable(rows) {
  const lines = [
    '| figure | value | target | verdict |',
    '| --- | --- | --- | --- |',
    ...rows.map(
      ({ figure, value, target, met }) =>
        `| ${figure} | ${value} | ${target} | ${met ? 'met' : 'NOT MET'} |`,
    ),
  ];
  const table = lines.join('\n');
  console.log(table);
  return table;
}
