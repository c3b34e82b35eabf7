// How a result cell reads on screen by its column's type and unit: times in local time, latencies
// as ms/s, ratios and percentages with their sign, other numbers plain (their unit goes in the table
// header, see `headerUnit`; charts add it to tooltips).
import { formatMs, formatPercent, formatTime } from '../lib/format.ts';
import type { Cell, ColumnMeta } from './reportTypes.ts';

const decimal = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
const small = new Intl.NumberFormat(undefined, { maximumSignificantDigits: 2 });

/** Units a cell carries itself; any other unit is said once, in the header. */
const INLINE_UNITS = new Set(['ms', 'ratio', '%', 'percent', 's']);

function plain(n: number): string {
  return n !== 0 && Math.abs(n) < 1 ? small.format(n) : decimal.format(n);
}

export function formatNumber(n: number, unit: string | undefined): string {
  if (unit === 'ms') return formatMs(n);
  if (unit === 'ratio') return formatPercent(n);
  if (unit === '%' || unit === 'percent') return `${plain(n)} %`;
  return unit ? `${plain(n)} ${unit}` : plain(n);
}

export function formatCell(v: Cell, col: ColumnMeta | undefined): string {
  if (v === null || v === undefined) return '–';
  if (col?.type === 'time' && typeof v === 'string') return formatTime(v, true, false);
  if (col?.type === 'number') {
    const n = typeof v === 'number' ? v : Number(v);
    if (!Number.isFinite(n)) return String(v);
    return formatNumber(n, col.unit && INLINE_UNITS.has(col.unit) ? col.unit : undefined);
  }
  return String(v);
}

/** The unit to show beside a column's header, unless its cells or its label already say it. */
export function headerUnit(col: ColumnMeta): string | undefined {
  const u = col.unit;
  if (!u || INLINE_UNITS.has(u) || col.label.toLowerCase().includes(u.toLowerCase())) return undefined;
  return u;
}

/** A shorter form for chart axes: times without zero seconds. */
export function axisLabel(v: Cell, col: ColumnMeta | undefined): string {
  const s = formatCell(v, col);
  return col?.type === 'time' ? s.replace(/:00$/, '') : s;
}
