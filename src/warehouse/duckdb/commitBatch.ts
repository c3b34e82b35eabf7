// One commit = one DuckDB transaction: events and dead letters inserted in bulk, read positions
// upserted, then COMMIT; any error rolls everything back and is rethrown. This is where the
// exactly-once guarantee lives: positions move only together with the rows read before them.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { DeadLetter, MortarEvent } from '../../events/event.ts';
import { nowUs } from '../../events/time.ts';
import type { SourcePosition } from '../../sources/source.ts';
import { sql } from '../sql.ts';
import type { CommitBatch } from '../warehouse.ts';
import { control, execute } from './execute.ts';
import { DEAD_LETTERS, EVENTS, insertRows } from './insertRows.ts';
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
    (p) =>
      sql`(${p.pipeline}, ${p.fileId}, ${p.path}, ${bigintOf(p.offset, `position ${p.path}`)}, ${p.checksum ?? null}, ${at})`,
  );
  const offset = sql.id('offset');
  await execute(
    connection,
    sql`insert into source_positions (pipeline, file_id, path, ${offset}, checksum, updated_at) values ${sql.join(rows)}
      on conflict (pipeline, file_id) do update
      set path = excluded.path, ${offset} = excluded.${offset}, checksum = excluded.checksum,
        updated_at = excluded.updated_at`,
  );
}

/**
 * Writes a batch's rows on `connection` inside the transaction already open there. On failure it
 * leaves nothing behind that could outlive the ROLLBACK, then throws.
 */
export type RowWriter = (
  connection: DuckDBConnection,
  events: readonly MortarEvent[],
  deadLetters: readonly DeadLetter[],
) => Promise<void>;

/** The commit path: columns encoded as a few large strings, unnested by INSERT ... SELECT. */
export const insertBatchRows: RowWriter = async (connection, events, deadLetters) => {
  if (events.length > 0) await insertRows(connection, EVENTS, events);
  if (deadLetters.length > 0) await insertRows(connection, DEAD_LETTERS, deadLetters);
};

/** `writeRows` is replaceable for measurements (bench/measureCommits.ts compares the appender). */
export async function commitBatch(
  connection: DuckDBConnection,
  batch: CommitBatch,
  writeRows: RowWriter = insertBatchRows,
): Promise<void> {
  const { events, deadLetters, positions } = batch;
  const resolves = batch.resolvesDeadLetters ?? [];
  if (events.length === 0 && deadLetters.length === 0 && positions.length === 0 && resolves.length === 0)
    return;
  await control(connection, 'BEGIN TRANSACTION');
  try {
    if (resolves.length > 0)
      await execute(
        connection,
        sql`delete from dead_letters where id in (select unnest(from_json(${JSON.stringify(resolves)}, '["VARCHAR"]')))`,
      );
    await writeRows(connection, events, deadLetters);
    await upsertPositions(connection, positions);
    await control(connection, 'COMMIT');
  } catch (error) {
    try {
      await control(connection, 'ROLLBACK');
    } catch {
      // A failed COMMIT has already rolled back, leaving no transaction to end.
    }
    throw error;
  }
}
