// Grouping accuracy of the default miner on the labelled sets built from real programs' logs
// (scripts/patterns/make-labelled-sets.sh): every line carries exactly one hand-written label,
// and the default configuration groups at least 95 % of the lines exactly as the labels do.
import { describe, expect, it } from 'vitest';
import { groupingAccuracy } from '../../src/process/patterns/accuracy.ts';
import { mineLines } from '../../src/process/patterns/mine-lines.ts';
import { loadSet, setNames } from './labelled-sets.ts';

describe('grouping accuracy', () => {
  it('is 1 only when predicted groups equal true groups', () => {
    expect(groupingAccuracy(['a', 'a', 'b'], ['x', 'x', 'y'])).toBe(1);
    // one predicted group spanning two true groups: all three wrong
    expect(groupingAccuracy(['a', 'a', 'a'], ['x', 'x', 'y'])).toBe(0);
    // a true group split in two: its lines are wrong, the other group right
    expect(groupingAccuracy(['a', 'b', 'c'], ['x', 'x', 'y'])).toBeCloseTo(1 / 3);
  });

  const sets = setNames();
  it('has the five labelled sets', () => {
    expect(sets).toEqual(['nginx', 'postgresql', 'sim', 'sshd', 'syslog']);
  });

  for (const name of sets) {
    it(`${name}: every line has one label and the default miner reaches >= 0.95`, () => {
      const set = loadSet(name);
      expect(set.problems).toEqual([]);
      expect(set.lines.length).toBeGreaterThan(800);
      expect(new Set(set.labels).size).toBeGreaterThanOrEqual(10);
      const { results, miner } = mineLines(set.lines);
      const accuracy = groupingAccuracy(
        results.map((r) => r.id),
        set.labels,
      );
      console.log(
        `${name}: ${set.lines.length} lines, ${new Set(set.labels).size} types, ${miner.size} templates, accuracy ${accuracy.toFixed(4)}`,
      );
      expect(accuracy).toBeGreaterThanOrEqual(0.95);
    });
  }
});
