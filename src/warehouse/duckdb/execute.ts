// Runs one `sql` tree on a DuckDB connection: compiled with $n placeholders, values bound by the
// driver (never spliced into the text), result cells converted to plain JS rows.
import type { DuckDBConnection } from '@duckdb/node-api';
import { compile } from '../dialect.ts';
import type { Row } from '../engine.ts';
import type { Sql } from '../sql.ts';
import { duckdbDialect } from './duckdbDialect.ts';
import { fromDuckValue, toDuckValue } from './values.ts';

export async function execute(connection: DuckDBConnection, q: Sql): Promise<Row[]> {
  const { text, params } = compile(q, duckdbDialect);
  const reader = await connection.runAndReadAll(text, params.map(toDuckValue));
  const names = reader.columnNames();
  return reader.getRows().map((cells) => {
    const row: Row = {};
    cells.forEach((cell, i) => {
      row[names[i]!] = fromDuckValue(cell);
    });
    return row;
  });
}

/** Statements without values or results (BEGIN, COMMIT, CHECKPOINT), spelled by code only. */
export async function control(
  connection: DuckDBConnection,
  statement: 'BEGIN TRANSACTION' | 'COMMIT' | 'ROLLBACK' | 'CHECKPOINT',
): Promise<void> {
  await connection.run(statement);
}
