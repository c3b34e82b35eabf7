// Writes already computed rows to a Parquet file through a throwaway in-memory DuckDB: a table
// typed from the column kinds, rows inserted as bound parameters, then COPY ... TO (FORMAT
// parquet). Independent of the warehouse engine, so any dialect's result can be exported.
import { DuckDBInstance, timestampValue } from '@duckdb/node-api';
import { duckdbDialect } from './duckdbDialect.ts';

export type ParquetColumnType = 'time' | 'string' | 'number';

const TYPE: Record<ParquetColumnType, string> = { time: 'TIMESTAMP', string: 'VARCHAR', number: 'DOUBLE' };

export async function writeParquet(
  path: string,
  columns: readonly { name: string; type: ParquetColumnType }[],
  rows: readonly (string | number | null)[][],
): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    // Column names are quoted by the dialect; types come from a fixed table, never from input.
    const defs = columns.map((c) => `${duckdbDialect.quoteId(c.name)} ${TYPE[c.type]}`).join(', ');
    await connection.run(`create table r (${defs})`);
    if (columns.length > 0 && rows.length > 0) {
      const appender = await connection.createAppender('r');
      for (const row of rows) {
        columns.forEach((c, i) => {
          const v = row[i] ?? null;
          if (v === null) appender.appendNull();
          else if (c.type === 'time')
            appender.appendTimestamp(
              timestampValue(
                BigInt(Date.parse(String(v))) * 1000n +
                  BigInt(Number(/\.\d{3}(\d{3})/.exec(String(v))?.[1] ?? 0)),
              ),
            );
          else if (c.type === 'number') appender.appendDouble(Number(v));
          else appender.appendVarchar(String(v));
        });
        appender.endRow();
      }
      appender.closeSync();
    }
    await connection.run('copy r to $1 (format parquet)', [path]);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
