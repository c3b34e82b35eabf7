// Where a click on a result row leads: another report with the bound filters set from the row (and
// the current filters carried along), or the Events page with the matching filters. `bind` maps a
// target filter (or Events parameter) to the result column whose value it takes.
import { readable } from './reportQuery.ts';
import type { Cell, ColumnMeta, DrilldownSpec, FilterSpec } from './reportTypes.ts';
import { resolveRange } from './timeRangeValue.ts';

export interface DrillContext {
  drilldown: DrilldownSpec;
  columns: ColumnMeta[];
  filters: FilterSpec[];
  /** The current effective filter values of the report clicked in. */
  values: Record<string, string[]>;
  now: number;
}

export function drillHref(ctx: DrillContext, row: Cell[]): string | undefined {
  const bound: Record<string, string> = {};
  for (const [target, column] of Object.entries(ctx.drilldown.bind)) {
    const i = ctx.columns.findIndex((c) => c.name === column);
    const v = i >= 0 ? row[i] : undefined;
    if (v !== undefined && v !== null) bound[target] = String(v);
  }
  if (ctx.drilldown.report) return reportHref(ctx, ctx.drilldown.report, bound);
  if (ctx.drilldown.events) return eventsHref(ctx, bound);
  return undefined;
}

function reportHref(ctx: DrillContext, report: string, bound: Record<string, string>): string {
  const p = new URLSearchParams();
  // The filters in force travel along (the target keeps those it declares), the row's values win.
  for (const f of ctx.filters) {
    if (f.id in bound) continue;
    for (const v of ctx.values[f.id] ?? []) p.append(`f.${f.id}`, v);
  }
  for (const [k, v] of Object.entries(bound)) p.set(`f.${k}`, v);
  return `/reports/${encodeURIComponent(report)}${readable(p)}`;
}

const EVENTS_RANGES: Record<number, string> = { 300: '5m', 900: '15m', 3600: '1h', 86400: '24h' };

function eventsHref(ctx: DrillContext, bound: Record<string, string>): string {
  const p = new URLSearchParams();
  const time = ctx.filters.find((f) => f.kind === 'time_range');
  const range = time ? ctx.values[time.id]?.[0] : undefined;
  const rel = range ? /^now-(\d+)([mhd])\.\.now$/.exec(range) : null;
  const seconds = rel
    ? Number(rel[1]) * ({ m: 60, h: 3600, d: 86_400 } as Record<string, number>)[rel[2]!]!
    : 0;
  if (EVENTS_RANGES[seconds]) {
    if (EVENTS_RANGES[seconds] !== '15m') p.set('range', EVENTS_RANGES[seconds]);
  } else {
    const win = resolveRange(range, ctx.now);
    if (win) {
      p.set('from', win.from);
      p.set('to', win.to);
    }
  }
  // The Events page filters by subsystem and by free text; other bound values become the search.
  const subsystem = bound.subsystem ?? ctx.values.subsystem?.join(',');
  if (subsystem) p.set('subsystem', subsystem);
  const text = Object.entries(bound)
    .filter(([k]) => k !== 'subsystem' && k !== 'from' && k !== 'to')
    .map(([, v]) => v)[0];
  if (text) p.set('q', text);
  return `/events${readable(p)}`;
}
