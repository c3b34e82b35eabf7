// Checks the labelled pattern sets: every line of test/fixtures/patterns/<set>.log must match
// exactly one rule of <set>.labels. Prints per set the line and event-type counts and every
// problem line; exits 1 when there is one. Usage: node --import tsx scripts/patterns/check-labels.ts [SET...]
import { loadSet, setNames } from '../../test/patterns/labelled-sets.ts';

let bad = 0;
for (const name of process.argv.slice(2).length ? process.argv.slice(2) : setNames()) {
  const s = loadSet(name);
  console.log(
    `${name}: ${s.lines.length} lines, ${new Set(s.labels).size} event types, ${s.problems.length} problems`,
  );
  for (const p of s.problems.slice(0, 30)) console.log(`  ${p}`);
  bad += s.problems.length;
}
process.exitCode = bad ? 1 : 0;
