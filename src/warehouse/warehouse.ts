// The warehouse seam: everything above this folder talks to a Warehouse and never learns which
// engine runs. Engine specifics live in warehouse/duckdb/ (embedded default) and, later,
// warehouse/clickhouse/.
import type { DeadLetter, MortarEvent } from '../events/event.ts';
import type { SourcePosition } from '../sources/source.ts';
import type { Dialect } from './dialect.ts';
import type { ExecuteOptions, ReadOptions, Row } from './engine.ts';
import type { Sql } from './sql.ts';

/** What one commit stores: rows plus the read positions that produced them, atomically. */
export interface CommitBatch {
  events: MortarEvent[];
  deadLetters: DeadLetter[];
  positions: SourcePosition[];
  /**
   * Ids of stored dead letters this batch resolves (replay-dead-letters): deleted in the same
   * transaction, before the batch's rows are written (a dead letter still failing comes back in
   * `deadLetters` with its new reason).
   */
  resolvesDeadLetters?: readonly string[];
}

export interface EventQuery {
  /** Inclusive lower bound, UTC microseconds. */
  fromUs?: number;
  /** Exclusive upper bound, UTC microseconds. */
  toUs?: number;
  subsystems?: string[];
  /** Only these event ids. */
  ids?: string[];
  /** Case-insensitive substring over message and raw. */
  text?: string;
  /** The caller's row scope: a predicate over the table aliased `t` (access control), ANDed in. */
  restrict?: Sql;
  limit: number;
  offset: number;
}

export interface EventPage {
  total: number;
  rows: MortarEvent[];
}

export interface VolumeQuery {
  fromUs: number;
  toUs: number;
  bucketSeconds: number;
  subsystems?: string[];
  /** Same meaning as EventQuery.text. */
  text?: string;
  /** The caller's row scope: a predicate over the table aliased `t` (access control), ANDed in. */
  restrict?: Sql;
}

export interface VolumePoint {
  /** Bucket start, UTC microseconds. */
  t: number;
  subsystem: string;
  count: number;
}

export interface DeadLetterQuery {
  limit: number;
  offset: number;
  pipeline?: string;
  /** The caller's row scope: a predicate over the table aliased `t` (access control), ANDed in. */
  restrict?: Sql;
}

export interface DeadLetterPage {
  total: number;
  rows: DeadLetter[];
}

export interface WarehouseCounts {
  events: number;
  deadLetters: number;
  bySubsystem: Record<string, number>;
}

export interface Warehouse {
  readonly dialect: 'duckdb' | 'clickhouse';
  /** The dialect's hooks, for processors that build their own set-based SQL with `sql`. */
  readonly sqlDialect: Dialect;
  /** One read query (processors, reports); rows as plain JS values. */
  query(q: Sql, options?: ReadOptions): Promise<Row[]>;
  /** Statements in one transaction, serialised with commits: how derived tables are replaced. */
  execute(statements: readonly Sql[], options?: ExecuteOptions): Promise<void>;
  /** Creates or upgrades the schema; idempotent. */
  migrate(): Promise<void>;
  /** Stores rows and positions in one transaction: all or nothing. */
  commit(batch: CommitBatch): Promise<void>;
  /**
   * The longest delay, among this process's commits of the last ten minutes, from a row's
   * received_at to its commit's end (late-commits.ts): how far behind its last position a
   * processor following received_at must look again. Absent where it is not tracked (ClickHouse).
   */
  commitDelayUs?(): number;
  positions(pipeline?: string): Promise<SourcePosition[]>;
  events(q: EventQuery): Promise<EventPage>;
  volume(q: VolumeQuery): Promise<VolumePoint[]>;
  counts(): Promise<WarehouseCounts>;
  deadLetters(q: DeadLetterQuery): Promise<DeadLetterPage>;
  close(): Promise<void>;
}
