// The warehouse's read queries, written once against the Dialect hooks, and the mapping of their
// rows back to Mortar's types. Times travel as integer UTC microseconds (dialect.epochUs), so no
// engine's timestamp representation leaks past this file.

import { UserError } from '../events/errors.ts';
import type { AttrValue, DeadLetter, Kind, MortarEvent, Severity } from '../events/event.ts';
import type { SourcePosition } from '../sources/source.ts';
import type { Dialect } from './dialect.ts';
import type { Row, RowValue } from './engine.ts';
import { type Sql, type SqlNode, sql } from './sql.ts';
import type { DeadLetterQuery, EventQuery, VolumeQuery } from './warehouse.ts';

export const TABLES = Object.freeze({
  events: sql.id('events'),
  deadLetters: sql.id('dead_letters'),
  positions: sql.id('source_positions'),
});

/** Upper bound on one page, so a request cannot ask the engine for the whole table at once. */
export const MAX_LIMIT = 10_000;

const col = (name: string) => sql.id(name);

function checkPage(limit: number, offset: number): void {
  if (!Number.isInteger(limit) || limit < 0 || limit > MAX_LIMIT) {
    throw new UserError('bad_request', `limit must be an integer from 0 to ${MAX_LIMIT}, got ${limit}`);
  }
  if (!Number.isInteger(offset) || offset < 0) {
    throw new UserError('bad_request', `offset must be a non-negative integer, got ${offset}`);
  }
}

function checkTime(name: string, us: number | undefined): void {
  if (us !== undefined && !Number.isFinite(us)) {
    throw new UserError('bad_request', `${name} must be a time in UTC microseconds, got ${us}`);
  }
}

/**
 * An empty list matches nothing: a caller that narrowed to no subsystems gets no rows (fail
 * closed). Spelled `1 = 0` because ClickHouse 18.16 has no `false`.
 */
function inList(column: SqlNode, values: readonly string[]): Sql {
  return values.length === 0 ? sql`1 = 0` : sql`${column} in (${sql.list(values)})`;
}

function where(conditions: Sql[]): Sql {
  return conditions.length === 0 ? sql.empty : sql`where ${sql.join(conditions, sql` and `)}`;
}

function eventConditions(d: Dialect, q: Omit<EventQuery, 'limit' | 'offset'>): Sql[] {
  checkTime('fromUs', q.fromUs);
  checkTime('toUs', q.toUs);
  const c: Sql[] = [];
  if (q.fromUs !== undefined) c.push(sql`${col('ts')} >= ${sql.ts(q.fromUs)}`);
  if (q.toUs !== undefined) c.push(sql`${col('ts')} < ${sql.ts(q.toUs)}`);
  if (q.subsystems) c.push(inList(col('subsystem'), q.subsystems));
  if (q.ids) c.push(inList(col('id'), q.ids));
  if (q.restrict) c.push(q.restrict);
  if (q.text) {
    c.push(
      sql`(${d.containsIgnoreCase(col('message'), q.text)} or ${d.containsIgnoreCase(col('raw'), q.text)})`,
    );
  }
  return c;
}

function eventColumns(d: Dialect): Sql {
  return sql`${col('id')}, ${d.epochUs(col('ts'))} as ts_us, ${d.epochUs(col('received_at'))} as received_at_us,
    ${col('subsystem')}, ${col('component')}, ${col('source')}, ${col('kind')}, ${col('type')}, ${col('severity')},
    ${col('keys')}, ${col('attrs')}, ${col('message')}, ${col('raw')}, ${col('pipeline')}, ${col('file')}, ${col('offset')}`;
}

/**
 * A page of wide rows: the page's ids are chosen by sorting the narrow columns only, and the
 * wide rows are then read unsorted. Sorting whole rows made DuckDB hold every candidate's raw
 * line several times over (a page of megabyte lines ran out of memory under the default memory
 * limit), so the caller puts the rows in page order (`byEventOrder`, `byDeadLetterOrder`).
 */
function widePage(
  d: Dialect,
  table: SqlNode,
  columns: Sql,
  w: Sql,
  order: Sql,
  q: { limit: number; offset: number },
): Sql {
  const ids = sql`select ${col('id')} from ${table} as t ${w}
    order by ${order} limit ${q.limit} offset ${q.offset}`;
  return sql`select ${columns} from ${table} as t where ${d.inSubquery(col('id'), ids)}`;
}

type Ordered = { id: string; file: string; offset: number };

function byPosition(a: Ordered, b: Ordered): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  if (a.offset !== b.offset) return b.offset - a.offset;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The events page order: newest first, then file, then offset descending, then id. */
export function byEventOrder(a: MortarEvent, b: MortarEvent): number {
  return b.ts - a.ts || byPosition(a, b);
}

/** The dead-letter page order: newest first, then file, then offset descending, then id. */
export function byDeadLetterOrder(a: DeadLetter, b: DeadLetter): number {
  return b.receivedAt - a.receivedAt || byPosition(a, b);
}

export function eventsPageSql(d: Dialect, q: EventQuery): { count: Sql; page: Sql } {
  checkPage(q.limit, q.offset);
  const w = where(eventConditions(d, q));
  return {
    count: sql`select count(*) as n from ${TABLES.events} as t ${w}`,
    page: widePage(
      d,
      TABLES.events,
      eventColumns(d),
      w,
      sql`${col('ts')} desc, ${col('file')}, ${col('offset')} desc, ${col('id')}`,
      q,
    ),
  };
}

export function volumeSql(d: Dialect, q: VolumeQuery): Sql {
  checkTime('fromUs', q.fromUs);
  checkTime('toUs', q.toUs);
  const bucketUs = Math.round(q.bucketSeconds * 1_000_000);
  if (!Number.isFinite(bucketUs) || bucketUs < 1) {
    throw new UserError('bad_request', `bucketSeconds must be a positive number, got ${q.bucketSeconds}`);
  }
  const w = where(
    eventConditions(d, {
      fromUs: q.fromUs,
      toUs: q.toUs,
      subsystems: q.subsystems,
      text: q.text,
      restrict: q.restrict,
    }),
  );
  const inner = sql`select ${d.bucketStartUs(col('ts'), bucketUs)} as b, ${col('subsystem')} from ${TABLES.events} as t ${w}`;
  return sql`select b, ${col('subsystem')}, count(*) as n from (${inner}) as v
    group by b, ${col('subsystem')} order by b, ${col('subsystem')}`;
}

export function countsSql(): { events: Sql; deadLetters: Sql; bySubsystem: Sql } {
  return {
    events: sql`select count(*) as n from ${TABLES.events}`,
    deadLetters: sql`select count(*) as n from ${TABLES.deadLetters}`,
    bySubsystem: sql`select ${col('subsystem')}, count(*) as n from ${TABLES.events} group by ${col('subsystem')}`,
  };
}

export function positionsSql(pipeline?: string): Sql {
  const w = pipeline === undefined ? sql.empty : sql`where ${col('pipeline')} = ${pipeline}`;
  return sql`select ${col('pipeline')}, ${col('file_id')}, ${col('path')}, ${col('offset')}, ${col('checksum')}
    from ${TABLES.positions} ${w} order by ${col('pipeline')}, ${col('path')}, ${col('file_id')}`;
}

export function deadLettersPageSql(d: Dialect, q: DeadLetterQuery): { count: Sql; page: Sql } {
  checkPage(q.limit, q.offset);
  const conds: Sql[] = [];
  if (q.pipeline !== undefined) conds.push(sql`${col('pipeline')} = ${q.pipeline}`);
  if (q.restrict) conds.push(q.restrict);
  const w = where(conds);
  return {
    count: sql`select count(*) as n from ${TABLES.deadLetters} as t ${w}`,
    page: widePage(
      d,
      TABLES.deadLetters,
      sql`${col('id')}, ${d.epochUs(col('received_at'))} as received_at_us, ${col('source')},
      ${col('pipeline')}, ${col('file')}, ${col('offset')}, ${col('stage')}, ${col('reason')}, ${col('raw')}`,
      w,
      sql`${col('received_at')} desc, ${col('file')}, ${col('offset')} desc, ${col('id')}`,
      q,
    ),
  };
}

// Row decoding: engines return loosely typed rows; a wrong type here is a schema bug, so say which.

function str(r: Row, k: string): string {
  const v = r[k];
  if (typeof v !== 'string')
    throw new TypeError(`warehouse: column ${k} is ${v === null ? 'null' : typeof v}`);
  return v;
}

function num(r: Row, k: string): number {
  const v = r[k];
  if (typeof v !== 'number')
    throw new TypeError(`warehouse: column ${k} is ${v === null ? 'null' : typeof v}`);
  return v;
}

function textOr(r: Row, k: string): string {
  const v = r[k];
  return typeof v === 'string' ? v : '';
}

/** A map cell: an object (DuckDB MAP) or JSON object text (ClickHouse, which stores keys as JSON). */
function stringMap(cell: RowValue | undefined): Record<string, string> {
  const v: unknown = typeof cell === 'string' ? JSON.parse(cell) : cell;
  if (v === null || v === undefined || typeof v !== 'object' || Array.isArray(v)) return {};
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) out[k] = typeof x === 'string' ? x : JSON.stringify(x);
  return out;
}

function attrs(v: RowValue | undefined): Record<string, AttrValue> {
  const parsed: unknown = typeof v === 'string' ? JSON.parse(v) : v;
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
    ? (parsed as Record<string, AttrValue>)
    : {};
}

export const countOf = (rows: Row[]): number => (rows[0] ? num(rows[0], 'n') : 0);

export function rowToEvent(r: Row): MortarEvent {
  return {
    id: str(r, 'id'),
    ts: num(r, 'ts_us'),
    receivedAt: num(r, 'received_at_us'),
    subsystem: str(r, 'subsystem'),
    component: textOr(r, 'component'),
    source: str(r, 'source'),
    kind: str(r, 'kind') as Kind,
    type: str(r, 'type'),
    severity: str(r, 'severity') as Severity,
    keys: stringMap(r.keys),
    attrs: attrs(r.attrs),
    message: textOr(r, 'message'),
    raw: textOr(r, 'raw'),
    pipeline: str(r, 'pipeline'),
    file: str(r, 'file'),
    offset: num(r, 'offset'),
  };
}

export function rowToDeadLetter(r: Row): DeadLetter {
  return {
    id: str(r, 'id'),
    receivedAt: num(r, 'received_at_us'),
    source: str(r, 'source'),
    pipeline: str(r, 'pipeline'),
    file: str(r, 'file'),
    offset: num(r, 'offset'),
    stage: str(r, 'stage'),
    reason: str(r, 'reason'),
    raw: textOr(r, 'raw'),
  };
}

export function rowToPosition(r: Row): SourcePosition {
  return {
    pipeline: str(r, 'pipeline'),
    fileId: str(r, 'file_id'),
    path: str(r, 'path'),
    offset: num(r, 'offset'),
    ...(typeof r.checksum === 'string' ? { checksum: r.checksum } : {}),
  };
}
