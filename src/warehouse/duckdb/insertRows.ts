// Bulk inserts for the commit path: rows are encoded column by column (encodeColumns.ts), bound as
// one VARCHAR parameter per column, and unnested back into rows by one INSERT ... SELECT, run on
// the caller's connection inside its open transaction (so the rows commit or roll back with the
// positions). Per cell, JS does a property read and DuckDB does the rest off the main thread;
// the appender this replaces crossed into native code once per cell (bench/measureCommits.ts).
//
// Large batches go in chunks: each chunk's strings stay far below V8's string limit, and the next
// chunk is encoded while DuckDB inserts the previous one. The statement binds text parameters
// only (see encodeColumns.ts on why no numbers).
import type { DuckDBConnection } from '@duckdb/node-api';
import type { DeadLetter, MortarEvent } from '../../events/event.ts';
import { compile } from '../dialect.ts';
import { type Sql, type SqlNode, sql } from '../sql.ts';
import { duckdbDialect } from './duckdbDialect.ts';
import { type EncodedColumn, encodeColumns, type Field } from './encodeColumns.ts';

export interface InsertTarget<T> {
  readonly table: string;
  /** Names a row in errors: `event <id> ts: ...`. */
  readonly label: string;
  readonly fields: readonly Field<T>[];
}

export const EVENTS: InsertTarget<MortarEvent> = {
  table: 'events',
  label: 'event',
  fields: [
    { column: 'id', key: 'id', kind: 'text' },
    { column: 'ts', key: 'ts', kind: 'time' },
    { column: 'received_at', key: 'receivedAt', kind: 'time' },
    { column: 'subsystem', key: 'subsystem', kind: 'text' },
    { column: 'component', key: 'component', kind: 'text' },
    { column: 'source', key: 'source', kind: 'text' },
    { column: 'kind', key: 'kind', kind: 'text' },
    { column: 'type', key: 'type', kind: 'text' },
    { column: 'severity', key: 'severity', kind: 'text' },
    { column: 'keys', key: 'keys', kind: 'map' },
    { column: 'attrs', key: 'attrs', kind: 'json' },
    { column: 'message', key: 'message', kind: 'text' },
    { column: 'raw', key: 'raw', kind: 'text' },
    { column: 'pipeline', key: 'pipeline', kind: 'text' },
    { column: 'file', key: 'file', kind: 'text' },
    { column: 'offset', key: 'offset', kind: 'int' },
  ],
};

export const DEAD_LETTERS: InsertTarget<DeadLetter> = {
  table: 'dead_letters',
  label: 'dead letter',
  fields: [
    { column: 'id', key: 'id', kind: 'text' },
    { column: 'received_at', key: 'receivedAt', kind: 'time' },
    { column: 'source', key: 'source', kind: 'text' },
    { column: 'pipeline', key: 'pipeline', kind: 'text' },
    { column: 'file', key: 'file', kind: 'text' },
    { column: 'offset', key: 'offset', kind: 'int' },
    { column: 'stage', key: 'stage', kind: 'text' },
    { column: 'reason', key: 'reason', kind: 'text' },
    { column: 'raw', key: 'raw', kind: 'text' },
  ],
};

export interface ChunkLimits {
  /** Most rows one INSERT carries. */
  rows: number;
  /** Most UTF-16 units of text (summed over text fields) one INSERT carries. */
  chars: number;
}

/**
 * Chunks of 16k rows let encoding overlap DuckDB's work without paying much per statement; 32M
 * characters keep every encoded column (attrs included) far below V8's ~512M string limit.
 */
export const CHUNK_LIMITS: ChunkLimits = Object.freeze({ rows: 16_384, chars: 32 * 1024 * 1024 });

type Kind = Field<unknown>['kind'];

/** Each kind's JSON-array decoder; the structures are constants, never taken from data. */
const FROM_JSON: Record<Kind, (text: string) => Sql> = {
  text: (text) => sql`unnest(from_json(${text}, '["VARCHAR"]'))`,
  time: (text) => sql`unnest(from_json(${text}, '["BIGINT"]'))`,
  int: (text) => sql`unnest(from_json(${text}, '["BIGINT"]'))`,
  json: (text) => sql`unnest(from_json(${text}, '["JSON"]'))`,
  // Read as JSON, then cast: the same maps, but 3-6x less DuckDB CPU than from_json straight into
  // a MAP type, which was the costliest column of an insert (measured: ~10 µs of 14 per row).
  map: (text) => sql`unnest(from_json(${text}, '["JSON"]'))::MAP(VARCHAR, VARCHAR)`,
};

function decode(kind: Kind, column: EncodedColumn): Sql {
  return column.encoding === 'split'
    ? sql`unnest(string_split(${column.text}, chr(30)))`
    : FROM_JSON[kind](column.text);
}

function outer(kind: Kind, alias: SqlNode, column: EncodedColumn): SqlNode {
  if (kind === 'time') return sql`make_timestamp(${alias})`;
  // A key without a value is an absent correlation id, not the text "null".
  if (column.maybeNull)
    return sql`map_from_entries(list_filter(map_entries(${alias}), lambda e: e.value is not null))`;
  return alias;
}

/** INSERT ... SELECT over the unnested columns; multiple unnests in one SELECT zip row by row. */
export function insertSql<T>(target: InsertTarget<T>, columns: readonly EncodedColumn[]): Sql {
  const aliases = target.fields.map((_, i) => sql.id(`c${i}`));
  const names = target.fields.map((f) => sql.id(f.column));
  const values = target.fields.map((f, i) => outer(f.kind, aliases[i]!, columns[i]!));
  const unnests = target.fields.map((f, i) => sql`${decode(f.kind, columns[i]!)} as ${aliases[i]!}`);
  return sql`insert into ${sql.id(target.table)} (${sql.join(names)})
    select ${sql.join(values)} from (select ${sql.join(unnests)})`;
}

/** Rows split into about equal chunks of at most `limits.rows`, each also within `limits.chars`. */
function* chunks<T>(
  rows: readonly T[],
  fields: readonly Field<T>[],
  limits: ChunkLimits,
): Generator<readonly T[]> {
  const text = fields.filter((f) => f.kind === 'text').map((f) => f.key);
  const most = Math.ceil(rows.length / Math.ceil(rows.length / limits.rows));
  let start = 0;
  let chars = 0;
  for (let i = 0; i < rows.length; i++) {
    let size = 0;
    for (const key of text) size += (rows[i]![key] as { length?: number } | null)?.length ?? 0;
    if (i > start && (i - start >= most || chars + size > limits.chars)) {
      yield rows.slice(start, i);
      start = i;
      chars = 0;
    }
    chars += size;
  }
  if (start < rows.length) yield start === 0 ? rows : rows.slice(start);
}

/**
 * Runs one INSERT ... SELECT with its text parameters bound straight into a prepared statement
 * that is destroyed right after. The generic path (execute.ts) wraps each parameter in a native
 * value object that only V8's garbage collector frees: megabytes of column text per chunk that V8
 * does not see, which piled up between collections (about 100 MB of peak RSS in 15 commits of 20k
 * rows, measured), and cost a native call per value besides.
 */
async function runInsert(connection: DuckDBConnection, statement: Sql): Promise<void> {
  const { text, params } = compile(statement, duckdbDialect);
  const prepared = await connection.prepare(text);
  try {
    params.forEach((p, i) => {
      if (typeof p !== 'string') throw new TypeError(`insert parameter ${i + 1} is not text`);
      prepared.bindVarchar(i + 1, p);
    });
    await prepared.run();
  } finally {
    prepared.destroySync();
  }
}

/**
 * Inserts `rows` into the target's table on `connection`, inside whatever transaction is open
 * there. On failure, waits for the statement in flight before throwing, so the caller can roll back.
 */
export async function insertRows<T extends { readonly id: string }>(
  connection: DuckDBConnection,
  target: InsertTarget<T>,
  rows: readonly T[],
  limits: ChunkLimits = CHUNK_LIMITS,
): Promise<void> {
  let running: Promise<unknown> | undefined;
  try {
    for (const chunk of chunks(rows, target.fields, limits)) {
      const statement = insertSql(target, encodeColumns(chunk, target.fields, target.label));
      await running;
      running = runInsert(connection, statement);
    }
    await running;
  } catch (error) {
    await running?.catch(() => undefined);
    throw error;
  }
}
