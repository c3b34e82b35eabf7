// The statements that replace one window [a, b) of an interval table: rows overlapping the window
// are cut back to their parts outside it, the new rows (already inside it) are put in, and
// neighbours of one time line with equal values are merged across the window's edges. Run in one
// transaction (with the other table's), the same window twice, or windows in any order, leave the
// same rows: reprocessing never double counts. Callers serialise writers (the read comes first).
//
// On ClickHouse (no transactions, no DELETE) the tables are logs behind views (derivedTables.ts):
// the merged rows go into a Memory work table and replace the window's old rows there (new rows
// first, then tombstones), so a reader sees the old or the new rows of a window, never none.
// A row's key is its time line plus from_us (intervals of a line never overlap).
import { HEALTH_DERIVED } from '../../warehouse/clickhouse/derivedSchema.ts';
import { nextVersion, replaceDerivedRows, workTable } from '../../warehouse/clickhouse/derivedTables.ts';
import { type Sql, type SqlNode, type SqlValue, sql } from '../../warehouse/sql.ts';
import type { Warehouse } from '../../warehouse/warehouse.ts';
import type { IntervalTable } from './health-tables.ts';

export type IntervalRow = Record<string, SqlValue> & { from_us: number; to_us: number };

const CHUNK = 400;

export async function replaceWindow(
  warehouse: Warehouse,
  table: IntervalTable,
  aUs: number,
  bUs: number,
  fresh: readonly IntervalRow[],
): Promise<Sql[]> {
  const t = sql.id(table.name);
  const touching = sql`from_us <= ${bUs} and to_us >= ${aUs}`;
  const old = (await warehouse.query(sql`select * from ${t} where ${touching}`)) as IntervalRow[];
  const rows: IntervalRow[] = [];
  for (const r of old) {
    if (r.from_us < aUs) rows.push({ ...r, to_us: Math.min(r.to_us, aUs) });
    if (r.to_us > bUs) rows.push({ ...r, from_us: Math.max(r.from_us, bUs) });
  }
  for (const r of fresh) if (r.to_us > r.from_us) rows.push(r);
  const cols = [...table.keys, 'from_us', 'to_us', ...table.values];
  const lineOf = (r: IntervalRow) => JSON.stringify(table.keys.map((k) => r[k]));
  // Flags come back as 0/1 from ClickHouse (UInt8) and as booleans from DuckDB and the processor.
  const norm = (v: SqlValue | undefined) => (v === true ? 1 : v === false ? 0 : (v ?? null));
  const same = (x: IntervalRow, y: IntervalRow) => table.values.every((v) => norm(x[v]) === norm(y[v]));
  rows.sort((x, y) => (lineOf(x) < lineOf(y) ? -1 : lineOf(x) > lineOf(y) ? 1 : x.from_us - y.from_us));
  const merged: IntervalRow[] = [];
  for (const r of rows) {
    const last = merged[merged.length - 1];
    if (last && lineOf(last) === lineOf(r) && last.to_us === r.from_us && same(last, r)) last.to_us = r.to_us;
    else merged.push({ ...r });
  }
  const inserts = (into: SqlNode): Sql[] => {
    const out: Sql[] = [];
    for (let i = 0; i < merged.length; i += CHUNK) {
      const values = merged
        .slice(i, i + CHUNK)
        .map((r) => sql`(${sql.join(cols.map((c) => sql.value(r[c] ?? null)))})`);
      out.push(sql`insert into ${into} (${sql.join(cols.map((c) => sql.id(c)))}) values ${sql.join(values)}`);
    }
    return out;
  };
  if (warehouse.dialect === 'clickhouse') return clickhouseReplace(table, touching, inserts);
  return [sql`delete from ${t} where ${touching}`, ...inserts(t)];
}

function clickhouseReplace(table: IntervalTable, touching: Sql, inserts: (into: SqlNode) => Sql[]): Sql[] {
  const derived = HEALTH_DERIVED.find((d) => d.name === table.name);
  if (!derived) throw new Error(`no ClickHouse shape for ${table.name}`);
  const work = workTable(table.name);
  const cols = sql.join(derived.columns.map(([n, type]) => sql`${sql.id(n)} ${type}`));
  return [
    sql`drop table if exists ${work}`,
    sql`create table ${work} (${cols}) engine = Memory`,
    ...inserts(work),
    ...replaceDerivedRows(derived, sql`${work}`, touching, nextVersion()),
    sql`drop table if exists ${work}`,
  ];
}
