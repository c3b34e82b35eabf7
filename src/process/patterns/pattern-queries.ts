// Reads of the pattern tables for the API: top templates per source in a time range (with counts
// per bucket for a sparkline), detected changes, and one template's detail. Times are event time.
// The SQL runs on DuckDB and on ClickHouse 18.16 alike (no `true` literal, no positional GROUP BY,
// no JOIN: a template's counts are matched to its row here, not in SQL).

import { hasTable } from '../../warehouse/hasTable.ts';
import { type Sql, sql } from '../../warehouse/sql.ts';
import type { Warehouse } from '../../warehouse/warehouse.ts';

const T = sql.id('pattern_templates');
const E = sql.id('pattern_events');
const C = sql.id('pattern_changes');

export interface PatternFilter {
  pipelines?: string[];
  subsystems?: string[];
  /** Only these template ids. */
  ids?: string[];
}

export interface TemplateInfo {
  pipeline: string;
  subsystem: string;
  id: string;
  template: string;
  total: number;
  firstUs: number;
  lastUs: number;
  examples: string[];
}

export interface RangedTemplate extends TemplateInfo {
  count: number;
  series: number[];
}

export async function patternTablesReady(warehouse: Warehouse): Promise<boolean> {
  return hasTable(warehouse, 'pattern_state');
}

/** Oldest and newest event time that has been mined (µs), undefined before the first run. */
export async function minedSpanUs(
  warehouse: Warehouse,
): Promise<{ firstUs: number; lastUs: number } | undefined> {
  const d = warehouse.sqlDialect;
  const ts = sql.id('ts_us');
  // ClickHouse's min/max of no rows is 0, not NULL: the hook keeps "nothing mined yet" NULL.
  const [row] = await warehouse.query(
    sql`select ${d.nullOverNone(sql`min(${ts})`, ts)} as a, ${d.nullOverNone(sql`max(${ts})`, ts)} as b from ${E}`,
  );
  return row?.b === null || row?.b === undefined
    ? undefined
    : { firstUs: Number(row.a), lastUs: Number(row.b) };
}

function where(f: PatternFilter, alias: string): Sql {
  const parts: Sql[] = [sql`(1 = 1)`];
  if (f.pipelines?.length) parts.push(sql`${sql.id(alias, 'pipeline')} in (${sql.list(f.pipelines)})`);
  if (f.subsystems?.length) parts.push(sql`${sql.id(alias, 'subsystem')} in (${sql.list(f.subsystems)})`);
  if (f.ids?.length) parts.push(sql`${sql.id(alias, 'id')} in (${sql.list(f.ids)})`);
  return sql.join(parts, sql` and `);
}

function info(r: Record<string, unknown>): TemplateInfo {
  return {
    pipeline: String(r.pipeline),
    subsystem: String(r.subsystem),
    id: String(r.id),
    template: String(r.template),
    total: Number(r.count),
    firstUs: Number(r.first_us),
    lastUs: Number(r.last_us),
    examples: JSON.parse(String(r.examples)) as string[],
  };
}

/** Every template of the matching sources with its count in [fromUs, toUs) and per bucket. */
export async function templatesInRange(
  warehouse: Warehouse,
  f: PatternFilter,
  fromUs: number,
  toUs: number,
  bucketUs: number,
): Promise<RangedTemplate[]> {
  const buckets = Math.max(1, Math.ceil((toUs - fromUs) / bucketUs));
  const templates = await warehouse.query(
    sql`select t.* from ${T} t where ${where(f, 't')} and t.last_us >= ${fromUs} and t.first_us < ${toUs}`,
  );
  // Only the templates listed above are kept below, so the subsystem filter needs no join here.
  const p = sql.id('p', 'pipeline');
  const id = sql.id('p', 'template_id');
  const counts = await warehouse.query(
    sql`select ${p} as pipeline, ${id} as template_id, cast(floor((p.ts_us - ${fromUs}) / ${bucketUs}) as bigint) as b, count(*) as n
      from ${E} p
      where ${f.pipelines?.length ? sql`${p} in (${sql.list(f.pipelines)})` : sql`(1 = 1)`}
        and ${f.ids?.length ? sql`${id} in (${sql.list(f.ids)})` : sql`(1 = 1)`}
        and p.ts_us >= ${fromUs} and p.ts_us < ${toUs}
      group by ${p}, ${id}, b`,
  );
  const byKey = new Map<string, RangedTemplate>();
  for (const r of templates) {
    const t = info(r);
    byKey.set(`${t.pipeline}\u0000${t.id}`, { ...t, count: 0, series: new Array<number>(buckets).fill(0) });
  }
  for (const r of counts) {
    const t = byKey.get(`${String(r.pipeline)}\u0000${String(r.template_id)}`);
    if (!t) continue;
    const n = Number(r.n);
    t.count += n;
    const b = Number(r.b);
    if (b >= 0 && b < buckets) t.series[b]! += n;
  }
  return [...byKey.values()].filter((t) => t.count > 0);
}

export interface ChangeRow {
  pipeline: string;
  subsystem: string;
  component: string;
  id: string;
  kind: string;
  atUs: number;
  recent: number;
  baseline: number;
  template: string;
}

export async function changesInRange(
  warehouse: Warehouse,
  f: PatternFilter,
  fromUs: number,
  toUs: number,
  limit: number,
): Promise<ChangeRow[]> {
  const rows = await warehouse.query(
    sql`select * from ${C} c where ${where(f, 'c')} and c.at_us >= ${fromUs} and c.at_us < ${toUs}
      order by c.at_us desc, c.pipeline, c.template_id limit ${limit}`,
  );
  return rows.map((r) => ({
    pipeline: String(r.pipeline),
    subsystem: String(r.subsystem),
    component: String(r.component),
    id: String(r.template_id),
    kind: String(r.kind),
    atUs: Number(r.at_us),
    recent: Number(r.recent),
    baseline: Number(r.baseline),
    template: String(r.detail),
  }));
}

/** One template id in every source that has it, with counts per bucket over the range. */
export async function templateDetail(
  warehouse: Warehouse,
  id: string,
  f: PatternFilter,
  fromUs: number,
  toUs: number,
  bucketUs: number,
): Promise<RangedTemplate[]> {
  return templatesInRange(warehouse, { ...f, ids: [id] }, fromUs, toUs, bucketUs);
}

/** A template's stored row(s) regardless of range (to tell "unknown id" from "quiet in range"). */
export async function templateRows(
  warehouse: Warehouse,
  id: string,
  f: PatternFilter,
): Promise<TemplateInfo[]> {
  // Ordered: the same id in several sources is listed the same way on every engine.
  const rows = await warehouse.query(
    sql`select t.* from ${T} t where ${where({ ...f, ids: [id] }, 't')} order by t.pipeline`,
  );
  return rows.map(info);
}

/** Messages per pipeline that hit the template cap. */
export async function overflowByPipeline(warehouse: Warehouse): Promise<Map<string, number>> {
  const rows = await warehouse.query(
    sql`select pipeline, overflow from ${sql.id('pattern_state')} where pipeline <> ${''}`,
  );
  return new Map(rows.map((r) => [String(r.pipeline), Number(r.overflow)]));
}
