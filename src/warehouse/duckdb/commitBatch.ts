// One commit = one DuckDB transaction: events and dead letters appended in bulk, read positions
// upserted, then COMMIT; any error rolls everything back and is rethrown. This is where the
// exactly-once guarantee lives: positions move only together with the rows read before them.
import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import { nowUs } from '../../events/time.ts';
import type { SourcePosition } from '../../sources/source.ts';
import { sql } from '../sql.ts';
import type { CommitBatch } from '../warehouse.ts';
import { appendRows, type Column, DEAD_LETTER_COLUMNS, EVENT_COLUMNS } from './appendRows.ts';
import { control, execute } from './execute.ts';
import { bigintOf } from './values.ts';

/** Upserting the same key twice in one statement is an error in DuckDB, so the last one wins here. */
function lastPerFile(positions: readonly SourcePosition[]): SourcePosition[] {
  const byKey = new Map<string, SourcePosition>();
  for (const p of positions) byKey.set(`${p.pipeline}\0${p.fileId}`, p);
  return [...byKey.values()];
}

async function upsertPositions(
  connection: DuckDBConnection,
  positions: readonly SourcePosition[],
): Promise<void> {
  if (positions.length === 0) return;
  const at = sql.ts(nowUs());
  const rows = lastPerFile(positions).map(
    (p) => sql`(${p.pipeline}, ${p.fileId}, ${p.path}, ${bigintOf(p.offset, `position ${p.path}`)}, ${at})`,
  );
  const offset = sql.id('offset');
  await execute(
    connection,
    sql`insert into source_positions (pipeline, file_id, path, ${offset}, updated_at) values ${sql.join(rows)}
      on conflict (pipeline, file_id) do update
      set path = excluded.path, ${offset} = excluded.${offset}, updated_at = excluded.updated_at`,
  );
}

async function append<T>(
  connection: DuckDBConnection,
  table: 'events' | 'dead_letters',
  columns: readonly Column<T>[],
  rows: readonly T[],
  open: Set<DuckDBAppender>,
): Promise<void> {
  if (rows.length === 0) return;
  const appender = await connection.createAppender(table);
  open.add(appender);
  appendRows(appender, table, columns, rows);
  // Flushed inside the transaction, so the rows commit or roll back with it.
  appender.flushSync();
  appender.closeSync();
  open.delete(appender);
}

export async function commitBatch(connection: DuckDBConnection, batch: CommitBatch): Promise<void> {
  const { events, deadLetters, positions } = batch;
  if (events.length === 0 && deadLetters.length === 0 && positions.length === 0) return;
  const open = new Set<DuckDBAppender>();
  await control(connection, 'BEGIN TRANSACTION');
  try {
    await append(connection, 'events', EVENT_COLUMNS, events, open);
    await append(connection, 'dead_letters', DEAD_LETTER_COLUMNS, deadLetters, open);
    await upsertPositions(connection, positions);
    await control(connection, 'COMMIT');
  } catch (error) {
    // Unflushed appender rows survive ROLLBACK and would land with the next flush: drop them first.
    for (const appender of open) {
      try {
        appender.clear();
        appender.closeSync();
      } catch {
        // The appender already failed; the ROLLBACK below is what matters.
      }
    }
    try {
      await control(connection, 'ROLLBACK');
    } catch {
      // A failed COMMIT has already rolled back, leaving no transaction to end.
    }
    throw error;
  }
}
