// Bulk appends through DuckDB's appender, fed whole data chunks column by column (about twice
// as fast as row-by-row appends from Node). Rows appended on a connection inside an open
// transaction belong to that transaction once flushed; the caller flushes before COMMIT and
// clears the appender on failure, since unflushed rows would otherwise outlive a ROLLBACK.
// No longer the commit path (insertRows.ts is: every cell set here is a call into native code);
// kept as `appendBatchRows` so bench/measureCommits.ts can compare the two.
import {
  type DuckDBAppender,
  type DuckDBConnection,
  DuckDBDataChunk,
  type DuckDBValue,
  mapValue,
  timestampValue,
} from '@duckdb/node-api';
import type { DeadLetter, MortarEvent } from '../../events/event.ts';
import type { RowWriter } from './commitBatch.ts';
import { bigintOf, micros } from './values.ts';

/** DuckDB's vector size: the most rows one data chunk holds. */
export const CHUNK_ROWS = 2048;

export interface Column<T> {
  readonly name: string;
  /** The type as DuckDB prints it, checked against the table so schema drift fails loudly. */
  readonly type: string;
  readonly value: (row: T) => DuckDBValue;
}

function keyEntries(keys: Record<string, string> | undefined): { key: string; value: string }[] {
  const entries: { key: string; value: string }[] = [];
  for (const [key, value] of Object.entries(keys ?? {})) {
    if (value !== null && value !== undefined) entries.push({ key, value: String(value) });
  }
  return entries;
}

const text = <T>(name: string, get: (r: T) => string): Column<T> => ({ name, type: 'VARCHAR', value: get });

export const EVENT_COLUMNS: readonly Column<MortarEvent>[] = [
  text('id', (e) => e.id),
  { name: 'ts', type: 'TIMESTAMP', value: (e) => timestampValue(micros(e.ts, `event ${e.id} ts`)) },
  {
    name: 'received_at',
    type: 'TIMESTAMP',
    value: (e) => timestampValue(micros(e.receivedAt, `event ${e.id} receivedAt`)),
  },
  text('subsystem', (e) => e.subsystem),
  text('component', (e) => e.component),
  text('source', (e) => e.source),
  text('kind', (e) => e.kind),
  text('type', (e) => e.type),
  text('severity', (e) => e.severity),
  {
    name: 'keys',
    type: 'MAP(VARCHAR, VARCHAR)',
    // A key without a value is an absent correlation id, not the text "null".
    value: (e) => mapValue(keyEntries(e.keys)),
  },
  // JSON columns take their text as VARCHAR; DuckDB validates nothing here, so stringify is the contract.
  text('attrs', (e) => JSON.stringify(e.attrs ?? {})),
  text('message', (e) => e.message),
  text('raw', (e) => e.raw),
  text('pipeline', (e) => e.pipeline),
  text('file', (e) => e.file),
  { name: 'offset', type: 'BIGINT', value: (e) => bigintOf(e.offset, `event ${e.id} offset`) },
];

export const DEAD_LETTER_COLUMNS: readonly Column<DeadLetter>[] = [
  text('id', (d) => d.id),
  {
    name: 'received_at',
    type: 'TIMESTAMP',
    value: (d) => timestampValue(micros(d.receivedAt, `dead letter ${d.id} receivedAt`)),
  },
  text('source', (d) => d.source),
  text('pipeline', (d) => d.pipeline),
  text('file', (d) => d.file),
  { name: 'offset', type: 'BIGINT', value: (d) => bigintOf(d.offset, `dead letter ${d.id} offset`) },
  text('stage', (d) => d.stage),
  text('reason', (d) => d.reason),
  text('raw', (d) => d.raw),
];

function checkColumns<T>(appender: DuckDBAppender, table: string, columns: readonly Column<T>[]): void {
  const actual = Array.from({ length: appender.columnCount }, (_, i) => String(appender.columnType(i)));
  const expected = columns.map((c) => c.type);
  if (actual.join(',') !== expected.join(',')) {
    throw new Error(
      `${table}: table columns (${actual.join(', ')}) differ from the appender's (${expected.join(', ')})`,
    );
  }
}

/** Appends `rows` as data chunks; rows reach the table (and the open transaction) on flush. */
export function appendRows<T>(
  appender: DuckDBAppender,
  table: string,
  columns: readonly Column<T>[],
  rows: readonly T[],
): void {
  checkColumns(appender, table, columns);
  const types = Array.from({ length: appender.columnCount }, (_, i) => appender.columnType(i));
  for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
    const n = Math.min(CHUNK_ROWS, rows.length - start);
    const chunk = DuckDBDataChunk.create(types, n);
    columns.forEach((column, c) => {
      const vector = chunk.getColumnVector(c);
      for (let i = 0; i < n; i++) vector.setItem(i, column.value(rows[start + i]!));
      vector.flush();
    });
    appender.appendDataChunk(chunk);
  }
}

async function append<T>(
  connection: DuckDBConnection,
  table: 'events' | 'dead_letters',
  columns: readonly Column<T>[],
  rows: readonly T[],
): Promise<void> {
  if (rows.length === 0) return;
  const appender = await connection.createAppender(table);
  try {
    appendRows(appender, table, columns, rows);
    // Flushed inside the transaction, so the rows commit or roll back with it.
    appender.flushSync();
  } catch (error) {
    // Unflushed appender rows survive ROLLBACK and would land with the next flush: drop them first.
    try {
      appender.clear();
    } catch {
      // The appender already failed; the caller's ROLLBACK is what matters.
    }
    throw error;
  } finally {
    try {
      appender.closeSync();
    } catch {
      // Closing flushes nothing after clear(); an error here adds nothing to the one in flight.
    }
  }
}

/** The former commit path, as a RowWriter for commitBatch. */
export const appendBatchRows: RowWriter = async (connection, events, deadLetters) => {
  await append(connection, 'events', EVENT_COLUMNS, events);
  await append(connection, 'dead_letters', DEAD_LETTER_COLUMNS, deadLetters);
};
