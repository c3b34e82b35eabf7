// The embedded DuckDB engine behind the Warehouse seam. Writes (commits, migrations) go one at a
// time through the database's writer connection; each read takes a short-lived connection of its
// own, so dashboards keep answering while a large commit is in progress (MVCC: they see the
// last committed state).
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { Engine, Row } from '../engine.ts';
import { oldestReceived } from '../late-commits.ts';
import { applyMigrations } from '../migrate.ts';
import type { Sql } from '../sql.ts';
import { commitBatch } from './commitBatch.ts';
import { acquireDatabase, type DuckDBTuning } from './database.ts';
import { duckdbDialect } from './duckdbDialect.ts';
import { control, execute } from './execute.ts';
import { DUCKDB_LEDGER, DUCKDB_MIGRATIONS } from './migrations.ts';

async function readSnapshot(
  instance: DuckDBInstance,
  queries: readonly Sql[],
  signal?: AbortSignal,
): Promise<Row[][]> {
  signal?.throwIfAborted();
  const connection = await instance.connect();
  // Aborting interrupts the statement in flight; the pending call then rejects.
  const interrupt = () => connection.interrupt();
  signal?.addEventListener('abort', interrupt, { once: true });
  try {
    signal?.throwIfAborted(); // aborted while connecting: the listener came too late
    if (queries.length === 1) return [await execute(connection, queries[0]!)];
    await control(connection, 'BEGIN TRANSACTION');
    const results: Row[][] = [];
    for (const q of queries) results.push(await execute(connection, q));
    await control(connection, 'COMMIT');
    return results;
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw error;
  } finally {
    signal?.removeEventListener('abort', interrupt);
    connection.closeSync();
  }
}

/** Opens the DuckDB file at `path` (or `:memory:`); the schema is not touched until `migrate()`. */
export async function openDuckDBEngine(path: string, tuning?: DuckDBTuning): Promise<Engine> {
  const lease = await acquireDatabase(path, tuning);
  const { db } = lease;
  let closed = false;
  const live = (): void => {
    if (closed) throw new Error('the warehouse is closed');
  };

  return {
    dialect: duckdbDialect,

    async read(queries, options) {
      live();
      const p = readSnapshot(db.instance, queries, options?.signal);
      db.reads.add(p);
      try {
        return await p;
      } finally {
        db.reads.delete(p);
      }
    },

    async migrate() {
      live();
      await db.writes.run(() =>
        applyMigrations(
          {
            ledger: DUCKDB_LEDGER,
            exec: (q) => execute(db.writer, q),
            async transaction(fn) {
              await control(db.writer, 'BEGIN TRANSACTION');
              try {
                const result = await fn();
                await control(db.writer, 'COMMIT');
                return result;
              } catch (error) {
                await control(db.writer, 'ROLLBACK').catch(() => undefined);
                throw error;
              }
            },
          },
          DUCKDB_MIGRATIONS,
        ),
      );
    },

    async execute(statements, options) {
      live();
      const inTransaction = async (connection: DuckDBConnection) => {
        await control(connection, 'BEGIN TRANSACTION');
        try {
          for (const q of statements) await execute(connection, q);
          await control(connection, 'COMMIT');
        } catch (error) {
          await control(connection, 'ROLLBACK').catch(() => undefined);
          throw error;
        }
      };
      if (options?.beside) {
        await db.besides.run(async () => {
          db.beside ??= await db.instance.connect();
          await inTransaction(db.beside);
        });
        return;
      }
      await db.writes.run(() => inTransaction(db.writer));
    },

    async commit(batch) {
      live();
      const oldest = oldestReceived(batch);
      await db.writes.run(() => commitBatch(db.writer, batch));
      if (oldest !== undefined) db.lateCommits.record(oldest);
    },

    commitDelayUs: () => db.lateCommits.maxDelayUs(),

    async close() {
      if (closed) return;
      closed = true;
      await lease.release();
    },
  };
}
