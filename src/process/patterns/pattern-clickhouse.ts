// Pattern mining's writes and set-based SQL on a ClickHouse warehouse (18.16 and later). The
// tables are logs behind views (warehouse/clickhouse/derivedTables.ts) whose keys make every
// write idempotent: a mapping by event id, a template by (pipeline, id), a change by
// (pipeline, template, kind, time), the state by pipeline.
//
// Without a transaction a step writes, in this order: changes, templates, event -> template rows,
// state (the watermark) last. A crash anywhere in between leaves templates whose counts may
// include events that have no mapping yet, so the miners' restore (pattern-processor.ts, with
// mappedCounts) takes every template's count and first/last seen from the mapping itself and drops templates
// nothing maps to; the events without a mapping are then mined again, once. Re-mining is
// deterministic (the same events in the same order, ids hashed from the first message), so the
// re-mined rows carry the same keys as any that did get written.
import { PATTERN_DERIVED } from '../../warehouse/clickhouse/derivedSchema.ts';
import { type DerivedTable, nextVersion } from '../../warehouse/clickhouse/derivedTables.ts';
import { type Sql, type SqlValue, sql } from '../../warehouse/sql.ts';
import type { Warehouse } from '../../warehouse/warehouse.ts';
import { OVERFLOW_ID } from './miner.ts';

const table = (name: string): DerivedTable => PATTERN_DERIVED.find((t) => t.name === name)!;

/** One insert of `rows` (values in the table's column order) into `name`'s log, live or as tombstones. */
export function insertLogRows(
  name: string,
  rows: readonly SqlValue[][],
  version: number,
  deleted = false,
): Sql[] {
  if (rows.length === 0) return [];
  const t = table(name);
  const cols = [...t.columns.map(([n]) => sql.id(n)), sql.id('_version'), sql.id('_deleted')];
  const tuples = rows.map((r) => sql`(${sql.list([...r, version, deleted ? 1 : 0])})`);
  return [sql`insert into ${sql.id(`${t.name}_log`)} (${sql.join(cols)}) values ${sql.join(tuples)}`];
}

/**
 * The events to mine next: received at or after `sinceUs` (ingest time), not mapped yet, in the
 * order DuckDB's step reads them. The mapping is looked up in the log itself (mappings are never
 * deleted, so any row of an id means mapped), which spares reading the whole view with FINAL.
 */
export function clickhouseEventsToMine(sinceUs: number, batch: number): Sql {
  return sql`select id, pipeline, subsystem, component, message, ts as ts_us, received_at as rcv_us
    from ${sql.id('events')}
    where received_at >= ${Math.max(0, sinceUs)}
      and id global not in (select event_id from ${sql.id('pattern_events_log')} where received_us >= ${sinceUs})
    order by received_at, pipeline, file, ${sql.id('offset')}
    limit ${batch}`;
}

export interface StoredCounts {
  count: number;
  firstUs: number;
  lastUs: number;
}

/** Per pipeline and template id, what the event mapping says: count and first/last event time. */
export async function mappedCounts(warehouse: Warehouse): Promise<Map<string, StoredCounts>> {
  const rows = await warehouse.query(
    sql`select pipeline, template_id, count() as n, min(ts_us) as a, max(ts_us) as b
      from ${sql.id('pattern_events')} group by pipeline, template_id`,
  );
  return new Map(
    rows.map((r) => [
      `${String(r.pipeline)}\u0000${String(r.template_id)}`,
      { count: Number(r.n), firstUs: Number(r.a), lastUs: Number(r.b) },
    ]),
  );
}

/** The template columns in PATTERN_DERIVED's order, for a rewrite or a tombstone of a stored row. */
export function templateValues(r: Record<string, unknown>, c: StoredCounts): SqlValue[] {
  return [
    String(r.pipeline),
    String(r.subsystem),
    String(r.id),
    String(r.template),
    String(r.tokens),
    Number(r.varied) === 1 || r.varied === true,
    c.count,
    c.firstUs,
    c.lastUs,
    String(r.examples),
  ];
}

/** Messages per pipeline that hit the template cap, as the mapping counts them. */
export function overflowFrom(counts: Map<string, StoredCounts>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, c] of counts) {
    const [pipeline, id] = k.split('\u0000') as [string, string];
    if (id === OVERFLOW_ID) out.set(pipeline, c.count);
  }
  return out;
}

/**
 * Rate changes (see detectRateChanges) in ClickHouse 18.16's SQL: no table CTEs and one join per
 * SELECT, so the per-pipeline "now", the templates and each template's last rate change are
 * joined in nested subqueries; "no rate change within the recent window" is the newest one's
 * time (0 when none: an unmatched LEFT JOIN column takes its type's default) before the window.
 */
export function clickhouseRateChanges(windowUs: number, windows: number): Sql {
  const w = windowUs;
  const k = windows;
  const E = sql.id('pattern_events');
  const counted = sql`select pipeline, template_id, now_us,
      sum(if(ts_us > now_us - ${w}, 1, 0)) as recent,
      sum(if(ts_us <= now_us - ${w}, 1, 0)) / ${k} as baseline
    from (select pipeline, template_id, ts_us from ${E} where template_id != ${OVERFLOW_ID})
    all inner join (select pipeline, max(ts_us) as now_us from ${E} group by pipeline) using (pipeline)
    where ts_us > now_us - ${(k + 1) * w}
    group by pipeline, template_id, now_us`;
  const withTemplate = sql`select pipeline, template_id, now_us, recent, baseline, subsystem, template, first_us
    from (${counted})
    all inner join (select pipeline, id as template_id, subsystem, template, first_us from ${sql.id('pattern_templates')})
    using (pipeline, template_id)`;
  const withLast = sql`select pipeline, template_id, now_us, recent, baseline, subsystem, template, first_us, last_rate_us
    from (${withTemplate})
    any left join (select pipeline, template_id, max(at_us) as last_rate_us from ${sql.id('pattern_changes')}
      where kind in ('rate_up', 'rate_down') group by pipeline, template_id)
    using (pipeline, template_id)`;
  const t = table('pattern_changes');
  const cols = [...t.columns.map(([n]) => sql.id(n)), sql.id('_version'), sql.id('_deleted')];
  return sql`insert into ${sql.id('pattern_changes_log')} (${sql.join(cols)})
    select pipeline, subsystem, '', template_id, if(recent > baseline, 'rate_up', 'rate_down'), now_us,
      toInt64(recent), toFloat64(baseline), template, toUInt64(${nextVersion()}), toUInt8(0)
    from (${withLast})
    where first_us <= now_us - ${(k + 1) * w}
      and (recent >= 4 * baseline + 10 or (baseline >= 10 and recent * 4 <= baseline))
      and last_rate_us <= now_us - ${w}`;
}
