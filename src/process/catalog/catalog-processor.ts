// One catalog increment: the events that arrived (by ingest time) since the last run are
// unpivoted into fields set-based on the warehouse; their statistics are merged into the catalog
// tables, the distinct-value sketch and the per-minute rates, and the new high-water mark is
// stored in the same transaction, so a crash or restart neither skips nor double counts.
// `settleUs` keeps the newest moments out of a run: a commit still in flight may carry rows read
// (stamped) a moment before rows already committed; by default as long as commits were measured
// to land late (late-commits.ts). On ClickHouse the same increment runs in
// catalog-clickhouse.ts (unpivot in TypeScript, journaled writes instead of a transaction).
import { nowUs } from '../../events/time.ts';
import { lateMarginUs } from '../../warehouse/late-commits.ts';
import { type Sql, sql } from '../../warehouse/sql.ts';
import type { Warehouse } from '../../warehouse/warehouse.ts';
import { runCatalogClickHouse } from './catalog-clickhouse.ts';
import { fieldRowsSql, hash01, isNumberSql, type ValueClass, valueClassSql } from './catalog-dialect.ts';
import {
  type Drift,
  type FieldStats,
  fieldKey,
  mergeIncrement,
  RATE_RULES,
  rateDrift,
  type TypeStats,
  typeKey,
} from './catalog-merge.ts';
import { fieldRow, storedFields, storedTypes, typeRow } from './catalog-rows.ts';
import { CATALOG_TABLES, RATE_BUCKET_US, SKETCH_K } from './catalog-tables.ts';

export interface CatalogRunResult {
  /** Events folded into the catalog by this run. */
  events: number;
  fields: number;
  drift: number;
  ms: number;
}

const id = sql.id;
const CHUNK = 300;
const WORK = id('catalog_work');
const WORK_RATES = id('catalog_work_rates');
const locks = new WeakMap<Warehouse, Promise<unknown>>();
const ready = new WeakSet<Warehouse>();

/** Creates the catalog tables on DuckDB; on ClickHouse the schema migrations made them (derivedSchema.ts). */
export async function ensureCatalogTables(warehouse: Warehouse): Promise<void> {
  if (warehouse.dialect === 'clickhouse') return;
  await warehouse.execute(CATALOG_TABLES);
}

export interface CatalogRunOptions {
  settleUs?: number;
  /** Stop the window at this ingest time (µs) even if more has settled: replays runs exactly. */
  untilUs?: number;
  /** Wall clock (µs) that drift is stamped "detected" with. */
  clock?: () => number;
}

/** Runs one increment; one at a time per warehouse. */
export function processCatalog(
  warehouse: Warehouse,
  opts: CatalogRunOptions = {},
): Promise<CatalogRunResult> {
  const prev = locks.get(warehouse) ?? Promise.resolve();
  const go = async (): Promise<CatalogRunResult> => {
    // By default 2 s, or up to a minute when a recent commit landed later than that after its
    // lines were read (warehouse.commitDelayUs); a caller that knows everything is committed passes 0.
    const settleUs = opts.settleUs ?? lateMarginUs(warehouse, 2e6);
    const o = { settleUs, untilUs: opts.untilUs, clock: opts.clock ?? nowUs };
    if (warehouse.dialect !== 'clickhouse') return run(warehouse, o);
    const started = performance.now();
    const r = await runCatalogClickHouse(warehouse, o);
    return { ...r, ms: performance.now() - started };
  };
  const next = prev.then(go, go);
  locks.set(
    warehouse,
    next.catch(() => undefined),
  );
  return next;
}

async function run(
  warehouse: Warehouse,
  opts: { settleUs: number; untilUs?: number; clock: () => number },
): Promise<CatalogRunResult> {
  const started = performance.now();
  const d = warehouse.sqlDialect;
  const result: CatalogRunResult = { events: 0, fields: 0, drift: 0, ms: 0 };
  if (!ready.has(warehouse)) {
    await ensureCatalogTables(warehouse);
    ready.add(warehouse);
  }
  const [state] = await warehouse.query(
    sql`select hi_received_us, runs from catalog_state where name = 'catalog'`,
  );
  const lo = state ? Number(state.hi_received_us) : -1;
  const recv = d.epochUs(id('received_at'));
  const [top] = await warehouse.query(
    sql`select max(${recv}) as m from ${id('events')} where ${id('received_at')} > ${sql.ts(lo)}`,
  );
  if (top?.m === null || top?.m === undefined) return result;
  const hi = Math.min(Number(top.m) - opts.settleUs, opts.untilUs ?? Number.MAX_SAFE_INTEGER);
  if (hi <= lo) return result;
  const inWindow = sql`e.received_at > ${sql.ts(lo)} and e.received_at <= ${sql.ts(hi)}`;
  const ts = d.epochUs(id('e', 'ts'));

  // One snapshot for everything this run counts: the window's distinct values per field (each
  // classified once), its events per type and per minute, all built in one transaction into
  // scratch tables (only the final transaction moves the mark).
  await warehouse.execute([
    sql`create or replace table ${WORK} as select pipeline, subsystem, type, field, source, value,
        ${valueClassSql(d, id('value'), id('jtype'))} as cls, ${isNumberSql(id('jtype'))} as num, n, f, l
      from (select pipeline, subsystem, type, field, min(source) as source, value, jtype, count(*) as n, min(ts_us) as f, max(ts_us) as l
        from (${fieldRowsSql(d, { where: inWindow })}) as r group by pipeline, subsystem, type, field, value, jtype) as g`,
    sql`create or replace table ${WORK_RATES} as select pipeline, subsystem, type,
        ${d.bucketStartUs(id('e', 'ts'), RATE_BUCKET_US)} as bucket_us, count(*) as events, min(${ts}) as f, max(${ts}) as l
      from ${id('events')} as e where ${inWindow} group by pipeline, subsystem, type, bucket_us`,
  ]);
  const incTypes: TypeStats[] = (
    await warehouse.query(
      sql`select pipeline, subsystem, type, sum(events) as n, min(f) as f, max(l) as l
        from ${WORK_RATES} group by pipeline, subsystem, type`,
    )
  ).map((r) => ({
    pipeline: String(r.pipeline),
    subsystem: String(r.subsystem),
    type: String(r.type),
    events: Number(r.n),
    firstUs: Number(r.f),
    lastUs: Number(r.l),
    collapsed: false,
    baseline: null,
  }));
  if (incTypes.length === 0) {
    await warehouse.execute([sql`drop table if exists ${WORK}`, sql`drop table if exists ${WORK_RATES}`]);
    return result;
  }
  const incFields = await incrementFields(warehouse);
  const oldTypes = await storedTypes(warehouse);
  const oldFields = await storedFields(warehouse);
  const merged = mergeIncrement(oldTypes, oldFields, incTypes, incFields);

  const detected = opts.clock();
  const statements: Sql[] = [
    sql`delete from catalog_types`,
    ...inserts('catalog_types', merged.types.map(typeRow)),
    sql`delete from catalog_fields`,
    ...inserts('catalog_fields', merged.fields.map(fieldRow)),
    ...sketchStatements(warehouse),
    ...rateStatements(),
    ...inserts(
      'catalog_drift',
      merged.drift.map((x) => driftRow(x, detected)),
    ),
    sql`delete from catalog_state where name = 'catalog'`,
    sql`insert into catalog_state values ('catalog', ${hi}, ${Number(state?.runs ?? 0) + 1})`,
    sql`drop table if exists ${WORK}`,
    sql`drop table if exists ${WORK_RATES}`,
  ];
  await warehouse.execute(statements);
  const rateChanges = await detectRateDrift(warehouse, merged.types, detected);
  result.events = incTypes.reduce((a, t) => a + t.events, 0);
  result.fields = merged.fields.length;
  result.drift = merged.drift.length + rateChanges;
  result.ms = performance.now() - started;
  return result;
}

async function incrementFields(warehouse: Warehouse): Promise<FieldStats[]> {
  const rows = await warehouse.query(
    sql`select pipeline, subsystem, type, field, min(source) as source, cls, sum(n) as n,
        sum(case when num then n else 0 end) as nums, min(f) as f, max(l) as l
      from ${WORK} group by pipeline, subsystem, type, field, cls`,
  );
  const byField = new Map<string, FieldStats>();
  for (const r of rows) {
    const key = {
      pipeline: String(r.pipeline),
      subsystem: String(r.subsystem),
      type: String(r.type),
      field: String(r.field),
    };
    const k = fieldKey(key);
    const f = byField.get(k) ?? {
      ...key,
      source: String(r.source) as FieldStats['source'],
      present: 0,
      classes: {},
      numbers: 0,
      firstUs: Number.POSITIVE_INFINITY,
      lastUs: Number.NEGATIVE_INFINITY,
      recentType: null,
      vanished: false,
    };
    if (r.cls !== null) {
      const n = Number(r.n);
      f.present += n;
      f.classes[String(r.cls) as ValueClass] = (f.classes[String(r.cls) as ValueClass] ?? 0) + n;
      f.numbers += Number(r.nums);
      f.firstUs = Math.min(f.firstUs, Number(r.f));
      f.lastUs = Math.max(f.lastUs, Number(r.l));
    }
    byField.set(k, f);
  }
  // A field only ever null or empty so far: known, but without times yet.
  return [...byField.values()].map((f) => (f.present === 0 ? { ...f, firstUs: 0, lastUs: 0 } : f));
}

const driftRow = (x: Drift, detected: number) => [
  detected,
  x.atUs,
  x.pipeline,
  x.subsystem,
  x.type,
  x.field,
  x.change,
  x.detail,
];

function inserts(table: string, rows: (string | number | boolean | null)[][]): Sql[] {
  const out: Sql[] = [];
  for (let i = 0; i < rows.length; i += CHUNK) {
    const values = rows.slice(i, i + CHUNK).map((r) => sql`(${sql.join(r.map((v) => sql.value(v)))})`);
    out.push(sql`insert into ${id(table)} values ${sql.join(values)}`);
  }
  return out;
}

const sameField = (a: string, b: string) =>
  sql`${id(a, 'pipeline')} = ${id(b, 'pipeline')} and ${id(a, 'subsystem')} = ${id(b, 'subsystem')} and ${id(a, 'type')} = ${id(b, 'type')} and ${id(a, 'field')} = ${id(b, 'field')}`;

/** Merges the window's distinct values into the K-minimum-values sketch of every field. */
function sketchStatements(warehouse: Warehouse): Sql[] {
  const d = warehouse.sqlDialect;
  const [fresh, merged] = [id('catalog_values_new'), id('catalog_values_merged')];
  const keep = (from: Sql) =>
    sql`select pipeline, subsystem, type, field, h, value from (
        select *, row_number() over (partition by pipeline, subsystem, type, field order by h, value) as rn from (${from}) as x
      ) as y where rn <= ${SKETCH_K}`;
  return [
    sql`create or replace temp table ${fresh} as ${keep(
      // Only hashes below 4K/n can be among a field's K smallest (n: its distinct values); the
      // chance that fewer than K of n uniform hashes fall below that is negligible, and the cut
      // spares ranking every value of a high-cardinality field.
      sql`select distinct w.pipeline, w.subsystem, w.type, w.field, w.h, left(w.value, 200) as value
        from (select *, ${hash01(d, id('value'))} as h from ${WORK} where cls is not null) as w
        join (select pipeline, subsystem, type, field, count(*) as n from ${WORK} where cls is not null
          group by pipeline, subsystem, type, field) as c
          on c.pipeline = w.pipeline and c.subsystem = w.subsystem and c.type = w.type and c.field = w.field
        where w.h <= ${4 * SKETCH_K} / cast(c.n as double)`,
    )}`,
    sql`create or replace temp table ${merged} as ${keep(
      sql`select distinct * from (
          select c.pipeline, c.subsystem, c.type, c.field, c.h, c.value from catalog_values as c
            where exists (select 1 from ${fresh} as n where ${sameField('c', 'n')})
          union all select * from ${fresh}) as u`,
    )}`,
    sql`delete from catalog_values as c where exists (select 1 from ${fresh} as n where ${sameField('c', 'n')})`,
    sql`insert into catalog_values select * from ${merged}`,
    sql`drop table ${fresh}`,
    sql`drop table ${merged}`,
  ];
}

/** Adds the window's events per type and minute to catalog_rates. */
function rateStatements(): Sql[] {
  const [fresh, merged] = [id('catalog_rates_new'), id('catalog_rates_merged')];
  const same = sql`c.pipeline = n.pipeline and c.subsystem = n.subsystem and c.type = n.type and c.bucket_us = n.bucket_us`;
  return [
    sql`create or replace temp table ${fresh} as select pipeline, subsystem, type, bucket_us, events from ${WORK_RATES}`,
    sql`create or replace temp table ${merged} as select pipeline, subsystem, type, bucket_us, sum(events) as events from (
        select c.* from catalog_rates as c where exists (select 1 from ${fresh} as n where ${same})
        union all select * from ${fresh}) as u group by pipeline, subsystem, type, bucket_us`,
    sql`delete from catalog_rates as c where exists (select 1 from ${fresh} as n where ${same})`,
    sql`insert into catalog_rates select * from ${merged}`,
    sql`drop table ${fresh}`,
    sql`drop table ${merged}`,
  ];
}

/** Judges each type's latest complete minute against the ones before it; records collapses. */
async function detectRateDrift(
  warehouse: Warehouse,
  types: readonly TypeStats[],
  detected: number,
): Promise<number> {
  const newest = Math.max(...types.map((t) => t.lastUs));
  const latest = Math.floor(newest / RATE_BUCKET_US) * RATE_BUCKET_US - RATE_BUCKET_US;
  const first = latest - RATE_RULES.baselineBuckets * RATE_BUCKET_US;
  const rows = await warehouse.query(
    sql`select pipeline, subsystem, type, bucket_us, events from catalog_rates where bucket_us >= ${first} and bucket_us <= ${latest}`,
  );
  const counts = new Map<string, number[]>();
  for (const r of rows) {
    const k = typeKey({ pipeline: String(r.pipeline), subsystem: String(r.subsystem), type: String(r.type) });
    const list = counts.get(k) ?? new Array<number>(RATE_RULES.baselineBuckets + 1).fill(0);
    list[(Number(r.bucket_us) - first) / RATE_BUCKET_US] = Number(r.events);
    counts.set(k, list);
  }
  const statements: Sql[] = [];
  for (const t of types) {
    // A type that began inside the baseline has no full baseline yet.
    if (t.firstUs > first) continue;
    const c = counts.get(typeKey(t)) ?? new Array<number>(RATE_RULES.baselineBuckets + 1).fill(0);
    const r = rateDrift(t, c, latest, RATE_BUCKET_US / 1e6);
    if (!r.drift) continue;
    statements.push(
      sql`update catalog_types set collapsed = ${r.collapsed}, baseline = ${r.baseline}
        where pipeline = ${t.pipeline} and subsystem = ${t.subsystem} and type = ${t.type}`,
      ...inserts('catalog_drift', [driftRow(r.drift, detected)]),
    );
  }
  if (statements.length) await warehouse.execute(statements);
  return statements.length / 2;
}
