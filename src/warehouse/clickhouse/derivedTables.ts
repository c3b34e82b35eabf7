// Derived tables (flows, health, ...) on ClickHouse, which has no transactions and (in 18.16) no
// synchronous DELETE: each table `<name>` is an append-only log `<name>_log` (ReplacingMergeTree
// by a version, ordered by the row's identity key) behind a view that keeps each key's newest
// row unless that row is a tombstone. Replacing a window's rows is then two plain inserts: first
// the new rows, then tombstones for the window's old keys that the new rows do not cover, so a
// concurrent reader sees old or new rows, never an empty window. Background merges collapse the
// log; the view reads it with FINAL, so reads are correct before they do.
//
// On a cluster the log is `<name>_log_local` on every shard plus a Distributed `<name>_log`
// sharded by the key, so one key's versions meet on one shard.
import { type Identifier, type Sql, sql } from '../sql.ts';
import type { ClickHouseLayout } from './migrations.ts';
import { localName } from './migrations.ts';

export interface DerivedTable {
  name: string;
  /** Column name and ClickHouse type (e.g. sql`Nullable(Int64)`). */
  columns: readonly (readonly [string, Sql])[];
  /** The identity of a row: one live row per key. */
  key: readonly string[];
}

const VERSION = '_version';

let lastVersion = 0;
/**
 * A version above every earlier one written by this process: the µs clock, or one more than the
 * last when the clock has not moved (or went back). Another server taking over the processors
 * (lease.ts) continues from its own clock, so servers' clocks must agree to within a lease's life.
 */
export function nextVersion(): number {
  lastVersion = Math.max(Date.now() * 1000, lastVersion + 1);
  return lastVersion;
}
const DELETED = '_deleted';

let workSeq = 0;
/**
 * A name for a run's scratch table (a Memory table on the entry server, dropped at the end of the
 * run): unique per process and run, so two runs or two servers never share one.
 */
export function workTable(prefix: string): Identifier {
  return sql.id(`${prefix}_work_${process.pid}_${++workSeq}`);
}

/** DDL: the log table (local and Distributed on a cluster) and the view under the plain name. */
export function derivedTableDdl(layout: ClickHouseLayout, t: DerivedTable): Sql[] {
  const log = `${t.name}_log`;
  const local = localName(layout, log);
  const cols = sql.join([
    ...t.columns.map(([n, type]) => sql`${sql.id(n)} ${type}`),
    sql`${sql.id(VERSION)} UInt64`,
    sql`${sql.id(DELETED)} UInt8`,
  ]);
  const keyIds = sql.join(t.key.map((k) => sql.id(k)));
  const out: Sql[] = [
    sql`create table if not exists ${sql.id(local)} (${cols})
      engine = ReplacingMergeTree(${sql.id(VERSION)}) order by (${keyIds})`,
  ];
  if (layout.cluster) {
    out.push(sql`create table if not exists ${sql.id(log)} as ${sql.id(local)}
      engine = Distributed(${layout.cluster}, ${layout.database}, ${local}, cityHash64(${keyIds}))`);
  }
  // FINAL merges each key's versions at read time (on a cluster each shard merges its own keys,
  // which the sharding key keeps together); the WHERE runs after it, so a tombstone hides its key.
  // (18.16 applies an explicit PREWHERE before FINAL, which would resurrect rows: never add one.)
  out.push(sql`create view if not exists ${sql.id(t.name)} as
    select ${sql.join(t.columns.map(([n]) => sql.id(n)))} from ${sql.id(log)} final where ${sql.id(DELETED)} = 0`);
  return out;
}

/**
 * Statements that make the rows of `t` within `scope` (a predicate over its columns) equal to
 * the rows of `fresh` (a table or subquery with t's columns by name, all inside the scope):
 * the fresh rows first, then tombstones for the scope's other keys. `version` must exceed every
 * version written before (a clock in µs with a counter).
 */
export function replaceDerivedRows(t: DerivedTable, fresh: Sql, scope: Sql, version: number): Sql[] {
  const log = sql.id(`${t.name}_log`);
  const names = [...t.columns.map(([n]) => sql.id(n)), sql.id(VERSION), sql.id(DELETED)];
  const cols = sql.join(t.columns.map(([n]) => sql.id(n)));
  const keyTuple = sql`(${sql.join(t.key.map((k) => sql.id(k)))})`;
  const v = sql`toUInt64(${version})`;
  return [
    sql`insert into ${log} (${sql.join(names)}) select ${cols}, ${v}, 0 from ${fresh}`,
    sql`insert into ${log} (${sql.join(names)}) select ${cols}, ${v}, 1 from ${sql.id(t.name)}
      where ${scope} and ${keyTuple} global not in (select ${sql.join(t.key.map((k) => sql.id(k)))} from ${fresh})`,
  ];
}
