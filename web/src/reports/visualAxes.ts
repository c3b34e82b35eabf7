// Which result columns a visual draws: x (category or time), the measures (y) and the column that
// splits the data into series. Taken from the definition; what it leaves open follows from the column
// roles (first dimension on x, second one as series, the measures as values).
import type { ColumnMeta, RunResult, VisualSpec } from './reportTypes.ts';

export interface VisualAxes {
  x: number;
  ys: number[];
  /** -1: no series split. */
  series: number;
}

export function visualAxes(visual: VisualSpec, columns: ColumnMeta[]): VisualAxes | undefined {
  const index = (name: string | undefined) => (name ? columns.findIndex((c) => c.name === name) : -1);
  const dims = columns.map((c, i) => (c.role === 'dimension' ? i : -1)).filter((i) => i >= 0);
  const measures = columns.map((c, i) => (c.role === 'measure' ? i : -1)).filter((i) => i >= 0);
  let x = index(visual.x);
  if (x < 0) x = dims[0] ?? 0;
  const named = (Array.isArray(visual.y) ? visual.y : visual.y ? [visual.y] : [])
    .map(index)
    .filter((i) => i >= 0);
  const ys = named.length
    ? named
    : measures.length
      ? measures
      : columns.map((_, i) => i).filter((i) => i !== x && columns[i]?.type === 'number');
  let series = index(visual.series);
  if (series < 0 && !visual.series && visual.type !== 'pie' && visual.type !== 'stat')
    series = dims.find((d) => d !== x) ?? -1;
  if (ys.length === 0 || columns.length === 0) return undefined;
  return { x, ys, series };
}

/** A cell as a number for a chart (null when it is not one). */
export function num(v: RunResult['rows'][number][number]): number | null {
  if (v === null || v === '') return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}
