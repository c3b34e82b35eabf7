// What a storage engine provides to the shared warehouse: reads of `sql` trees returning plain JS
// rows, the atomic commit, migrations and shutdown. Each engine folder implements one; the read
// queries themselves are written once (queries.ts) against the engine's Dialect.
import type { Dialect } from './dialect.ts';
import type { Sql } from './sql.ts';
import type { CommitBatch } from './warehouse.ts';

/** A value as engines hand it back: integers as numbers, maps and structs as objects. */
export type RowValue = string | number | boolean | null | RowValue[] | { [k: string]: RowValue };
export type Row = Record<string, RowValue>;

/** How `execute` runs its transaction. */
export interface ExecuteOptions {
  /**
   * Beside the commits instead of queued behind them: its own transaction on a connection of its
   * own (DuckDB), so a long derived-table update never holds up ingest. Only for statements whose
   * tables the commits never write (MVCC keeps the two apart); one such transaction at a time.
   */
  beside?: boolean;
}

/** Reads that can be given up: the engine stops the running query when `signal` aborts. */
export interface ReadOptions {
  signal?: AbortSignal;
}

export interface Engine {
  readonly dialect: Dialect;
  /**
   * Runs reads in one snapshot, so a count and the page it describes agree; never waits for a
   * commit in progress.
   */
  read(queries: readonly Sql[], options?: ReadOptions): Promise<Row[][]>;
  migrate(): Promise<void>;
  /** Statements in one transaction, serialised with commits (derived tables are written this way). */
  execute(statements: readonly Sql[], options?: ExecuteOptions): Promise<void>;
  /** Rows and positions in one transaction, serialised with every other commit on the same store. */
  commit(batch: CommitBatch): Promise<void>;
  /** The longest recent delay from a committed row's received_at to its commit's end (late-commits.ts); absent: not tracked. */
  commitDelayUs?(): number;
  /** Waits for work in flight, makes everything durable, releases the store. */
  close(): Promise<void>;
}
