// Run from a package after `stryker run`: reads Stryker's JSON report, sets
// aside the equivalent mutants listed in the package's mutation-equivalents.mjs
// (each with its reason), prints the survivors left, and exits 1 when fewer
// than 95% of the remaining mutants were killed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const THRESHOLD = 95;
const report = JSON.parse(readFileSync('reports/mutation/mutation.json', 'utf8'));
const { equivalentMutants } = await import(
  pathToFileURL(join(process.cwd(), 'mutation-equivalents.mjs')).href
);
const { name } = JSON.parse(readFileSync('package.json', 'utf8'));

const isEquivalent = (file, lineText, mutant) =>
  equivalentMutants.some(
    (known) =>
      file.endsWith(known.file) &&
      known.mutator === mutant.mutatorName &&
      (known.replacement === undefined || known.replacement === mutant.replacement) &&
      lineText.includes(known.line),
  );

let killed = 0;
let counted = 0;
let equivalent = 0;
const survivors = [];
for (const [file, { source, mutants }] of Object.entries(report.files)) {
  const lines = source.split('\n');
  for (const mutant of mutants) {
    if (mutant.status === 'CompileError' || mutant.status === 'RuntimeError') continue;
    if (mutant.status === 'Ignored') continue;
    const lineText = lines[mutant.location.start.line - 1] ?? '';
    if (mutant.status === 'Killed' || mutant.status === 'Timeout') {
      killed += 1;
      counted += 1;
    } else if (isEquivalent(file, lineText, mutant)) {
      equivalent += 1;
    } else {
      counted += 1;
      survivors.push(
        `${file}:${mutant.location.start.line} ${mutant.mutatorName} -> ${JSON.stringify(mutant.replacement)} (${mutant.status})`,
      );
    }
  }
}

const score = counted === 0 ? 100 : (killed / counted) * 100;
for (const survivor of survivors) process.stdout.write(`survived: ${survivor}\n`);
process.stdout.write(
  `${name} mutation score: ${score.toFixed(1)}% of ${counted} non-equivalent mutants killed (${equivalent} equivalent set aside); threshold ${THRESHOLD}%\n`,
);
process.exit(score >= THRESHOLD ? 0 : 1);
