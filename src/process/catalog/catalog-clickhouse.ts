// One catalog increment on ClickHouse (18.16 and later), whose SQL cannot unpivot the `attrs`
// JSON into its paths: the window's events (only the columns the catalog needs) are read in
// pages ordered by (received_at, id) and unpivoted in TypeScript with DuckDB's rules
// (catalog-unpivot.ts); the statistics are merged by the same code as on DuckDB (catalog-merge.ts).
// Memory per run: the window's types, rate buckets and fields, and per field at most 4K sketch
// candidates (not every distinct value).
//
// No transaction, so a run first writes its final rows (every changed type and field, the merged
// sketch of each touched field with tombstones for values it drops, the touched rate buckets, the
// drift) to catalog_journal, then a marker naming the run and its high-water mark, then applies
// the rows, then moves the mark. A run that dies before the marker wrote nothing that counts (the
// journal is only read for a marked run); one that dies after it is finished from the journal at
// the next start, so its events are counted once. Every row is keyed (derivedSchema.ts), so
// applying a journal twice gives the same rows.

import { CATALOG_DERIVED } from '../../warehouse/clickhouse/derivedSchema.ts';
import { type DerivedTable, nextVersion } from '../../warehouse/clickhouse/derivedTables.ts';
import { type Sql, type SqlValue, sql } from '../../warehouse/sql.ts';
import type { Warehouse } from '../../warehouse/warehouse.ts';
import type { ValueClass } from './catalog-dialect.ts';
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
import { RATE_BUCKET_US, SKETCH_K } from './catalog-tables.ts';
import { compareText, eventFields, hash01Of, sketchValue } from './catalog-unpivot.ts';

export interface CatalogChRun {
  events: number;
  fields: number;
  drift: number;
}

const PAGE = 20_000;
const CHUNK = 500;
const table = (name: string): DerivedTable => CATALOG_DERIVED.find((t) => t.name === name)!;

interface JournalRow {
  tbl: string;
  row: SqlValue[];
  deleted: boolean;
}

/**
 * A value of an inserted row. 18.16's fast VALUES parser may read a float one ulp off; a float
 * inside an expression goes through the SQL parser, which reads it exactly (the sketch's hashes
 * must survive the round trip bit for bit).
 */
const valueNode = (v: SqlValue): Sql =>
  typeof v === 'number' && !Number.isInteger(v) ? sql`toFloat64(${v})` : sql`${v}`;

function insertRows(name: string, rows: readonly SqlValue[][], version: number, deleted = false): Sql[] {
  const t = table(name);
  const cols = [...t.columns.map(([n]) => sql.id(n)), sql.id('_version'), sql.id('_deleted')];
  const out: Sql[] = [];
  for (let i = 0; i < rows.length; i += CHUNK) {
    const tuples = rows
      .slice(i, i + CHUNK)
      .map((r) => sql`(${sql.join([...r, version, deleted ? 1 : 0].map(valueNode))})`);
    out.push(sql`insert into ${sql.id(`${t.name}_log`)} (${sql.join(cols)}) values ${sql.join(tuples)}`);
  }
  return out;
}

/** Applies journal rows in the journal's order of tables; then the new high-water mark. */
function applyStatements(rows: readonly JournalRow[], hi: number, runs: number): Sql[] {
  const version = nextVersion();
  const out: Sql[] = [];
  const tables = [...new Set(rows.map((r) => r.tbl))];
  for (const tbl of tables) {
    for (const deleted of [false, true]) {
      const of = rows.filter((r) => r.tbl === tbl && r.deleted === deleted).map((r) => r.row);
      if (of.length) out.push(...insertRows(tbl, of, version, deleted));
    }
  }
  out.push(...insertRows('catalog_state', [['catalog', hi, runs]], version));
  return out;
}

async function states(warehouse: Warehouse): Promise<Map<string, { hi: number; runs: number }>> {
  const rows = await warehouse.query(sql`select name, hi_received_us, runs from catalog_state`);
  return new Map(rows.map((r) => [String(r.name), { hi: Number(r.hi_received_us), runs: Number(r.runs) }]));
}

/** Finishes a run that died after its journal was complete; returns the committed mark and runs. */
async function recover(warehouse: Warehouse): Promise<{ lo: number; runs: number }> {
  const st = await states(warehouse);
  const committed = st.get('catalog') ?? { hi: -1, runs: 0 };
  const journal = st.get('journal');
  if (!journal || journal.hi <= committed.hi) return { lo: committed.hi, runs: committed.runs };
  const rows = (
    await warehouse.query(
      sql`select tbl, row, deleted from catalog_journal where run = ${journal.runs} order by seq`,
    )
  ).map((r) => ({
    tbl: String(r.tbl),
    row: JSON.parse(String(r.row)) as SqlValue[],
    deleted: Number(r.deleted) === 1,
  }));
  await warehouse.execute(applyStatements(rows, journal.hi, committed.runs + 1));
  return { lo: journal.hi, runs: committed.runs + 1 };
}

interface FieldAcc {
  stats: FieldStats;
  /** Candidates for the sketch: distinct values with their (hash, stored text). */
  values: Map<string, Entry>;
  /** Once pruned: the K-th smallest entry; anything above it can never be among the K smallest. */
  above?: Entry;
}

type Entry = [number, string];
const byEntry = (x: Entry, y: Entry) => x[0] - y[0] || compareText(x[1], y[1]);

/** The K smallest distinct entries (the sketch's order). */
function smallest(entries: Iterable<Entry>): Entry[] {
  const distinct = new Map<string, Entry>();
  for (const e of entries) distinct.set(JSON.stringify(e), e);
  return [...distinct.values()].sort(byEntry).slice(0, SKETCH_K);
}

/**
 * Adds a value to a field's sketch candidates, keeping memory bounded: past 4K candidates they
 * are cut to the K smallest, and later values above the cut are skipped (exact: each has K
 * smaller ones already).
 */
function addValue(acc: FieldAcc, value: string): void {
  if (acc.values.has(value)) return;
  const e: Entry = [hash01Of(value), sketchValue(value)];
  if (acc.above && byEntry(e, acc.above) > 0) return;
  acc.values.set(value, e);
  if (acc.values.size <= 4 * SKETCH_K) return;
  const keep = new Set(smallest(acc.values.values()).map((x) => JSON.stringify(x)));
  for (const [v, x] of acc.values) if (!keep.has(JSON.stringify(x))) acc.values.delete(v);
  acc.above = [...acc.values.values()].sort(byEntry)[acc.values.size - 1];
}

export async function runCatalogClickHouse(
  warehouse: Warehouse,
  opts: { settleUs: number; untilUs?: number; clock: () => number },
): Promise<CatalogChRun> {
  const result: CatalogChRun = { events: 0, fields: 0, drift: 0 };
  const { lo, runs } = await recover(warehouse);
  const [top] = await warehouse.query(
    sql`select count() as n, max(received_at) as m from ${sql.id('events')} where received_at > ${lo}`,
  );
  if (!top || Number(top.n) === 0) return result;
  const hi = Math.min(Number(top.m) - opts.settleUs, opts.untilUs ?? Number.MAX_SAFE_INTEGER);
  if (hi <= lo) return result;

  const types = new Map<string, TypeStats>();
  const rates = new Map<string, number>();
  const fields = new Map<string, FieldAcc>();
  let after: { rcv: number; id: string } | undefined;
  for (;;) {
    const page = await warehouse.query(
      sql`select id, received_at, pipeline, subsystem, type, ts, component, kind, severity, message, keys, attrs
        from ${sql.id('events')}
        where received_at > ${lo} and received_at <= ${hi}
          ${after ? sql`and (received_at > ${after.rcv} or (received_at = ${after.rcv} and id > ${after.id}))` : sql``}
        order by received_at, id limit ${PAGE}`,
    );
    for (const e of page) {
      const where = { pipeline: String(e.pipeline), subsystem: String(e.subsystem), type: String(e.type) };
      const ts = Number(e.ts);
      const tk = typeKey(where);
      const t = types.get(tk);
      if (t) {
        t.events++;
        t.firstUs = Math.min(t.firstUs, ts);
        t.lastUs = Math.max(t.lastUs, ts);
      } else {
        types.set(tk, { ...where, events: 1, firstUs: ts, lastUs: ts, collapsed: false, baseline: null });
      }
      const bucket = Math.floor(ts / RATE_BUCKET_US) * RATE_BUCKET_US;
      const rk = JSON.stringify([where.pipeline, where.subsystem, where.type, bucket]);
      rates.set(rk, (rates.get(rk) ?? 0) + 1);
      const unpivoted = eventFields({
        component: String(e.component),
        kind: String(e.kind),
        severity: String(e.severity),
        message: String(e.message),
        keys: String(e.keys),
        attrs: String(e.attrs),
      });
      for (const f of unpivoted) {
        const fk = fieldKey({ ...where, field: f.field });
        let acc = fields.get(fk);
        if (!acc) {
          acc = {
            stats: {
              ...where,
              field: f.field,
              source: f.source,
              present: 0,
              classes: {},
              numbers: 0,
              firstUs: Number.POSITIVE_INFINITY,
              lastUs: Number.NEGATIVE_INFINITY,
              recentType: null,
              vanished: false,
            },
            values: new Map(),
          };
          fields.set(fk, acc);
        }
        if (f.cls === null || f.value === null) continue;
        const s = acc.stats;
        s.present++;
        s.classes[f.cls as ValueClass] = (s.classes[f.cls as ValueClass] ?? 0) + 1;
        if (f.num) s.numbers++;
        s.firstUs = Math.min(s.firstUs, ts);
        s.lastUs = Math.max(s.lastUs, ts);
        addValue(acc, f.value);
      }
    }
    if (page.length < PAGE) break;
    const last = page[page.length - 1]!;
    after = { rcv: Number(last.received_at), id: String(last.id) };
  }
  const incTypes = [...types.values()];
  if (incTypes.length === 0) return result;
  const incFields = [...fields.values()].map(({ stats: f }) =>
    f.present === 0 ? { ...f, firstUs: 0, lastUs: 0 } : f,
  );

  const oldTypes = await storedTypes(warehouse);
  const oldFields = await storedFields(warehouse);
  const merged = mergeIncrement(oldTypes, oldFields, incTypes, incFields);
  const detected = opts.clock();
  const journal: JournalRow[] = [];

  // Rates: the touched buckets summed with what is stored.
  const touched = [...rates.entries()].map(([k, n]) => {
    const [p, s, t, b] = JSON.parse(k) as [string, string, string, number];
    return { p, s, t, b, n };
  });
  const storedRates = new Map<string, number>();
  const newest = Math.max(...merged.types.map((t) => t.lastUs));
  const latest = Math.floor(newest / RATE_BUCKET_US) * RATE_BUCKET_US - RATE_BUCKET_US;
  const first = latest - RATE_RULES.baselineBuckets * RATE_BUCKET_US;
  const minTouched = Math.min(first, ...touched.map((r) => r.b));
  for (const r of await warehouse.query(
    sql`select pipeline, subsystem, type, bucket_us, events from catalog_rates where bucket_us >= ${minTouched}`,
  )) {
    storedRates.set(
      JSON.stringify([String(r.pipeline), String(r.subsystem), String(r.type), Number(r.bucket_us)]),
      Number(r.events),
    );
  }
  for (const r of touched) {
    const k = JSON.stringify([r.p, r.s, r.t, r.b]);
    const n = (storedRates.get(k) ?? 0) + r.n;
    storedRates.set(k, n);
    journal.push({ tbl: 'catalog_rates', row: [r.p, r.s, r.t, r.b, n], deleted: false });
  }

  // Rate drift, as detectRateDrift judges it after the merge.
  const drift: Drift[] = [...merged.drift];
  const counts = new Map<string, number[]>();
  for (const [k, n] of storedRates) {
    const [p, s, t, b] = JSON.parse(k) as [string, string, string, number];
    if (b < first || b > latest) continue;
    const tk = typeKey({ pipeline: p, subsystem: s, type: t });
    const list = counts.get(tk) ?? new Array<number>(RATE_RULES.baselineBuckets + 1).fill(0);
    list[(b - first) / RATE_BUCKET_US] = n;
    counts.set(tk, list);
  }
  let rateChanges = 0;
  for (const t of merged.types) {
    if (t.firstUs > first) continue;
    const c = counts.get(typeKey(t)) ?? new Array<number>(RATE_RULES.baselineBuckets + 1).fill(0);
    const r = rateDrift(t, c, latest, RATE_BUCKET_US / 1e6);
    if (!r.drift) continue;
    t.collapsed = r.collapsed;
    t.baseline = r.baseline;
    drift.push(r.drift);
    rateChanges++;
  }

  // Types and fields that changed.
  const oldTypeRows = new Map(oldTypes.map((t) => [typeKey(t), JSON.stringify(typeRow(t))]));
  for (const t of merged.types) {
    const row = typeRow(t);
    if (oldTypeRows.get(typeKey(t)) !== JSON.stringify(row))
      journal.push({ tbl: 'catalog_types', row, deleted: false });
  }
  const oldFieldRows = new Map(oldFields.map((f) => [fieldKey(f), JSON.stringify(fieldRow(f))]));
  for (const f of merged.fields) {
    const row = fieldRow(f);
    if (oldFieldRows.get(fieldKey(f)) !== JSON.stringify(row))
      journal.push({ tbl: 'catalog_fields', row, deleted: false });
  }

  // The sketch of every field with values in the window: its K smallest (h, value) of old and new.
  const sketched = [...fields.values()].filter((a) => a.values.size > 0);
  const stored = await storedValues(
    warehouse,
    sketched.map((a) => a.stats),
  );
  for (const a of sketched) {
    const fk = fieldKey(a.stats);
    const old = stored.get(fk) ?? [];
    const keep = smallest([...a.values.values(), ...old]);
    const kept = new Set(keep.map((e) => JSON.stringify(e)));
    const where = [a.stats.pipeline, a.stats.subsystem, a.stats.type, a.stats.field];
    const oldKeys = new Set(old.map((e) => JSON.stringify(e)));
    for (const e of keep)
      if (!oldKeys.has(JSON.stringify(e)))
        journal.push({ tbl: 'catalog_values', row: [...where, ...e], deleted: false });
    for (const e of old)
      if (!kept.has(JSON.stringify(e)))
        journal.push({ tbl: 'catalog_values', row: [...where, ...e], deleted: true });
  }
  for (const x of drift) {
    journal.push({
      tbl: 'catalog_drift',
      row: [detected, x.atUs, x.pipeline, x.subsystem, x.type, x.field, x.change, x.detail, x.field ?? ''],
      deleted: false,
    });
  }

  // The journal, its marker, the rows, the mark.
  const run = nextVersion();
  const journalRows = journal.map((j, seq): SqlValue[] => [
    seq,
    run,
    j.tbl,
    JSON.stringify(j.row),
    j.deleted,
  ]);
  await warehouse.execute([
    ...insertRows('catalog_journal', journalRows, run),
    ...insertRows('catalog_state', [['journal', hi, run]], nextVersion()),
    ...applyStatements(journal, hi, runs + 1),
  ]);
  result.events = incTypes.reduce((a, t) => a + t.events, 0);
  result.fields = merged.fields.length;
  result.drift = merged.drift.length + rateChanges;
  return result;
}

/** The stored sketch entries of these fields, by field key. */
async function storedValues(
  warehouse: Warehouse,
  of: readonly { pipeline: string; subsystem: string; type: string; field: string }[],
): Promise<Map<string, [number, string][]>> {
  const out = new Map<string, [number, string][]>();
  for (let i = 0; i < of.length; i += CHUNK) {
    const tuples = of
      .slice(i, i + CHUNK)
      .map((f) => sql`(${sql.list([f.pipeline, f.subsystem, f.type, f.field])})`);
    const rows = await warehouse.query(
      sql`select pipeline, subsystem, type, field, h, value from catalog_values
        where (pipeline, subsystem, type, field) in (${sql.join(tuples)})`,
    );
    for (const r of rows) {
      const k = fieldKey({
        pipeline: String(r.pipeline),
        subsystem: String(r.subsystem),
        type: String(r.type),
        field: String(r.field),
      });
      const list = out.get(k) ?? [];
      list.push([Number(r.h), String(r.value)]);
      out.set(k, list);
    }
  }
  return out;
}
