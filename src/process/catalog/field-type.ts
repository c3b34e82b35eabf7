// A field's inferred type from how many of its values fell into each class: the class that covers
// (nearly) all values wins; ints and floats together are `float`; identifiers and free text
// together are `text`; anything else that mixes is `mixed`. A few stray values (a garbled line)
// do not change a type, so the threshold is a share rather than "all".
import type { ValueClass } from './catalog-dialect.ts';

export type FieldType = ValueClass | 'mixed' | 'empty';

export type ClassCounts = Partial<Record<ValueClass, number>>;

/** Share of the values that must agree before a field gets their type. */
const DOMINANT = 0.95;

const WIDENINGS: [ValueClass[], ValueClass][] = [
  [['int', 'float'], 'float'],
  [['string', 'text'], 'text'],
  [['string', 'uuid'], 'string'],
  [['string', 'int'], 'string'],
];

export function inferType(counts: ClassCounts): FieldType {
  const entries = Object.entries(counts).filter(([, n]) => (n ?? 0) > 0) as [ValueClass, number][];
  const total = entries.reduce((a, [, n]) => a + n, 0);
  if (total === 0) return 'empty';
  entries.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const [top, n] = entries[0]!;
  if (n >= DOMINANT * total) return top;
  for (const [classes, wide] of WIDENINGS) {
    const covered = classes.reduce((a, c) => a + (counts[c] ?? 0), 0);
    if (covered >= DOMINANT * total) return wide;
  }
  return 'mixed';
}

export function addCounts(a: ClassCounts, b: ClassCounts): ClassCounts {
  const out: ClassCounts = { ...a };
  for (const [k, n] of Object.entries(b) as [ValueClass, number][]) out[k] = (out[k] ?? 0) + n;
  return out;
}
