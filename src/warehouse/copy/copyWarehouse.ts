// Copies an installation's warehouse into another one (DuckDB -> ClickHouse for `mortar migrate`):
// events, dead letters, then read positions, in batches through the target's own commit. The
// copy is resumable because it is idempotent: ids are deterministic and the target's commit leaves
// out ids it already stores, so a second run after an interruption re-sends batches and stores
// only what is missing. Positions go last, so a target that has positions has all the rows read
// before them. Rows are read in windows of time (copyByTime), which keeps both the source's reads
// and each batch's replay-guard lookup in the target to a narrow range. Derived tables are not
// copied: processing rebuilds them from the events. The access records and link decisions have
// their own copies (copyAccess.ts, copyLinkDecisions.ts).
import type { DeadLetter, MortarEvent } from '../../events/event.ts';
import type { SourcePosition } from '../../sources/source.ts';
import type { Row } from '../engine.ts';
import { countOf, rowToDeadLetter, rowToEvent } from '../queries.ts';
import { type Sql, type SqlNode, sql } from '../sql.ts';
import type { Warehouse } from '../warehouse.ts';

/** Tables of the copy, in order. */
export const COPIED_TABLES = ['events', 'dead_letters', 'source_positions'] as const;
export type CopiedTable = (typeof COPIED_TABLES)[number];

export interface CopyProgress {
  table: CopiedTable;
  /** Rows of `table` handled so far (stored now or found already stored). */
  done: number;
  total: number;
}

export interface TableCount {
  table: CopiedTable;
  source: number;
  /** Rows in the target after the copy. */
  target: number;
  /** Distinct ids (events, dead letters) or files (positions) in the target. */
  targetDistinct: number;
}

export interface CopyResult {
  counts: TableCount[];
  /** Target positions kept because they were further along than the source's (ingest ran there). */
  positionsKept: number;
  ok: boolean;
}

export interface CopyOptions {
  batchRows?: number;
  onProgress?: (p: CopyProgress) => void;
  /** Test hook: called after each committed batch. */
  afterBatch?: () => Promise<void>;
}

const col = (name: string) => sql.id(name);

async function count(w: Warehouse, table: CopiedTable, distinct?: SqlNode): Promise<number> {
  const what = distinct ? sql`count(distinct ${distinct})` : sql`count(*)`;
  return countOf(await w.query(sql`select ${what} as n from ${sql.id(table)}`));
}

function eventColumns(w: Warehouse): Sql {
  const d = w.sqlDialect;
  return sql`${col('id')}, ${d.epochUs(col('ts'))} as ts_us, ${d.epochUs(col('received_at'))} as received_at_us,
    ${col('subsystem')}, ${col('component')}, ${col('source')}, ${col('kind')}, ${col('type')}, ${col('severity')},
    ${col('keys')}, ${col('attrs')}, ${col('message')}, ${col('raw')}, ${col('pipeline')}, ${col('file')}, ${col('offset')}`;
}

function deadLetterColumns(w: Warehouse): Sql {
  const d = w.sqlDialect;
  return sql`${col('id')}, ${d.epochUs(col('received_at'))} as received_at_us, ${col('source')},
    ${col('pipeline')}, ${col('file')}, ${col('offset')}, ${col('stage')}, ${col('reason')}, ${col('raw')}`;
}

interface TimedTable<T> {
  table: 'events' | 'dead_letters';
  /** The time column windows are cut on: rows of one window share a narrow range of it. */
  time: string;
  columns: (w: Warehouse) => Sql;
  decode: (r: Row) => T;
  store: (target: Warehouse, rows: T[]) => Promise<void>;
}

const EVENTS: TimedTable<MortarEvent> = {
  table: 'events',
  time: 'ts',
  columns: eventColumns,
  decode: rowToEvent,
  store: (target, events) => target.commit({ events, deadLetters: [], positions: [] }),
};

const DEAD_LETTERS: TimedTable<DeadLetter> = {
  table: 'dead_letters',
  time: 'received_at',
  columns: deadLetterColumns,
  decode: rowToDeadLetter,
  store: (target, deadLetters) => target.commit({ events: [], deadLetters, positions: [] }),
};

/**
 * Copies `t` in windows of its time column, [a, a + width): a range filter lets the source skip
 * most of its storage (DuckDB's zone maps, ClickHouse's sorting key), so every window costs about
 * its own rows rather than a scan of the table, and the width adapts to hold about `batch` rows.
 * A window that holds far more than that (a burst) is cut narrower before anything is stored.
 */
async function copyByTime<T>(
  source: Warehouse,
  target: Warehouse,
  t: TimedTable<T>,
  total: number,
  batch: number,
  o: CopyOptions,
): Promise<void> {
  o.onProgress?.({ table: t.table, done: 0, total });
  if (total === 0) return;
  const time = col(t.time);
  const d = source.sqlDialect;
  const [range] = await source.query(
    sql`select min(${d.epochUs(time)}) as lo, max(${d.epochUs(time)}) as hi from ${sql.id(t.table)}`,
  );
  const lo = Number(range?.lo);
  const hi = Number(range?.hi);
  const cap = batch * 4;
  let width = Math.max(1, Math.ceil(((hi - lo + 1) * batch) / total));
  let done = 0;
  for (let a = lo; a <= hi; ) {
    const b = Math.min(a + width, hi + 1);
    const limit = width > 1 ? sql`limit ${cap + 1}` : sql.empty;
    const rows = await source.query(
      sql`select ${t.columns(source)} from ${sql.id(t.table)} where ${time} >= ${sql.ts(a)} and ${time} < ${sql.ts(b)}
        order by ${time}, ${col('id')} ${limit}`,
    );
    if (rows.length > cap && width > 1) {
      width = Math.max(1, Math.floor(width / 8));
      continue;
    }
    for (let i = 0; i < rows.length; i += batch) {
      await t.store(target, rows.slice(i, i + batch).map(t.decode));
      done += Math.min(batch, rows.length - i);
      o.onProgress?.({ table: t.table, done, total });
      await o.afterBatch?.();
    }
    a = b;
    const factor = rows.length === 0 ? 4 : batch / rows.length;
    width = Math.max(1, Math.round(width * Math.min(4, Math.max(0.25, factor))));
  }
}

/** Copies events, dead letters and positions from `source` to `target`, then counts both sides. */
export async function copyWarehouse(
  source: Warehouse,
  target: Warehouse,
  o: CopyOptions = {},
): Promise<CopyResult> {
  const batch = o.batchRows ?? 5_000;
  const totals = {
    events: await count(source, 'events'),
    dead_letters: await count(source, 'dead_letters'),
  };
  await copyByTime(source, target, EVENTS, totals.events, batch, o);
  await copyByTime(source, target, DEAD_LETTERS, totals.dead_letters, batch, o);
  // Positions last; never move a target position backwards (ingest may already run there).
  const key = (p: SourcePosition) => `${p.pipeline}\0${p.fileId}`;
  const sourcePositions = await source.positions();
  const existing = new Map((await target.positions()).map((p) => [key(p), p]));
  const ahead = sourcePositions.filter((p) => (existing.get(key(p))?.offset ?? -1) > p.offset);
  const positions = sourcePositions.filter((p) => !ahead.includes(p));
  o.onProgress?.({ table: 'source_positions', done: 0, total: sourcePositions.length });
  if (positions.length > 0) await target.commit({ events: [], deadLetters: [], positions });
  o.onProgress?.({ table: 'source_positions', done: sourcePositions.length, total: sourcePositions.length });

  const targetPositions = await target.positions();
  const counts: TableCount[] = [
    {
      table: 'events',
      source: totals.events,
      target: await count(target, 'events'),
      targetDistinct: await count(target, 'events', col('id')),
    },
    {
      table: 'dead_letters',
      source: totals.dead_letters,
      target: await count(target, 'dead_letters'),
      targetDistinct: await count(target, 'dead_letters', col('id')),
    },
    {
      table: 'source_positions',
      source: sourcePositions.length,
      target: targetPositions.length,
      targetDistinct: new Set(targetPositions.map(key)).size,
    },
  ];
  // Every source row must be in the target exactly once; positions: every source file present.
  const targetKeys = new Set(targetPositions.map(key));
  const ok =
    counts.every((c) => c.target === c.targetDistinct) &&
    counts[0]!.target === counts[0]!.source &&
    counts[1]!.target === counts[1]!.source &&
    sourcePositions.every((p) => targetKeys.has(key(p)));
  return { counts, positionsKept: ahead.length, ok };
}

/** Tables of `source` that the copy leaves behind, with their row counts. */
export async function tablesNotCopied(source: Warehouse): Promise<{ table: string; rows: number }[]> {
  const rows = await source.query(
    sql`select table_name from information_schema.tables where table_schema = 'main' order by table_name`,
  );
  // link_decisions is user data, moved by copyLinkDecisions.ts.
  const skip = new Set<string>([...COPIED_TABLES, 'schema_migrations', 'link_decisions']);
  const out: { table: string; rows: number }[] = [];
  for (const r of rows) {
    const name = String(r.table_name);
    if (skip.has(name)) continue;
    out.push({
      table: name,
      rows: countOf(await source.query(sql`select count(*) as n from ${sql.id(name)}`)),
    });
  }
  return out;
}
