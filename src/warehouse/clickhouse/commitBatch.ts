// One commit on ClickHouse = rows, then positions. ClickHouse has no transactions, so the
// exactly-once story is built from three facts instead of one COMMIT:
//   1. Every row of the batch is encoded (and so validated) before anything is sent: a bad value
//      rejects the whole batch with nothing written, as DuckDB's ROLLBACK would.
//   2. Positions are written last. A crash (or error) after the rows but before the positions
//      leaves the old positions, so the source re-reads those lines and produces the same
//      deterministic ids again: at least once.
//   3. The replay guard: before inserting, the ids of the batch that are already stored are
//      looked up (by subsystem and time range, the events' sorting key, so it reads a narrow
//      range) and left out; ids repeated inside the batch are kept once. A replay is therefore
//      invisible to readers, without FINAL on every query.
// Two writers racing on the same lines (two Mortars on one database: unsupported) could both
// pass the guard; the tables are ReplacingMergeTree on keys that contain the id, so merges (or
// OPTIMIZE ... FINAL) collapse such duplicates eventually.
import type { DeadLetter, MortarEvent } from '../../events/event.ts';
import type { SourcePosition } from '../../sources/source.ts';
import { sql } from '../sql.ts';
import type { CommitBatch } from '../warehouse.ts';
import { clickhouseDialect } from './clickhouseDialect.ts';
import { objectJson } from './jsonColumns.ts';
import { encodeNumber, encodeString, encodeTimestamp } from './literal.ts';
import type { ClickHouseNode } from './node.ts';

const GUARD_CHUNK = 5_000;
const RANGE_CAP = 50_000;
const INSERT_CHUNK = 20_000;

function text(v: unknown, what: string): string {
  if (typeof v !== 'string')
    throw new TypeError(`${what} is ${v === null ? 'null' : typeof v}, not a string`);
  return encodeString(v);
}

function int(v: unknown, what: string): string {
  if (typeof v !== 'number' || !Number.isSafeInteger(v))
    throw new TypeError(`${what}: ${String(v)} is not an integer`);
  return encodeNumber(v);
}

function time(v: unknown, what: string): string {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new TypeError(`${what}: ${String(v)} is not a time in UTC microseconds`);
  }
  return encodeTimestamp(Math.round(v));
}

function object(v: unknown, what: string): string {
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw new TypeError(`${what} is not an object`);
  return encodeString(objectJson(v as Record<string, unknown>));
}

const EVENT_COLUMNS = [
  'id',
  'ts',
  'received_at',
  'subsystem',
  'component',
  'source',
  'kind',
  'type',
  'severity',
  'keys',
  'attrs',
  'message',
  'raw',
  'pipeline',
  'file',
  'offset',
] as const;

function eventRow(e: MortarEvent): string {
  const w = `event ${String(e.id)}`;
  return `(${[
    text(e.id, `${w}: id`),
    time(e.ts, `${w}: ts`),
    time(e.receivedAt, `${w}: receivedAt`),
    text(e.subsystem, `${w}: subsystem`),
    text(e.component, `${w}: component`),
    text(e.source, `${w}: source`),
    text(e.kind, `${w}: kind`),
    text(e.type, `${w}: type`),
    text(e.severity, `${w}: severity`),
    object(e.keys, `${w}: keys`),
    object(e.attrs, `${w}: attrs`),
    text(e.message, `${w}: message`),
    text(e.raw, `${w}: raw`),
    text(e.pipeline, `${w}: pipeline`),
    text(e.file, `${w}: file`),
    int(e.offset, `${w}: offset`),
  ].join(',')})`;
}

const DEAD_LETTER_COLUMNS = [
  'id',
  'received_at',
  'source',
  'pipeline',
  'file',
  'offset',
  'stage',
  'reason',
  'raw',
] as const;

function deadLetterRow(d: DeadLetter): string {
  const w = `dead letter ${String(d.id)}`;
  return `(${[
    text(d.id, `${w}: id`),
    time(d.receivedAt, `${w}: receivedAt`),
    text(d.source, `${w}: source`),
    text(d.pipeline, `${w}: pipeline`),
    text(d.file, `${w}: file`),
    int(d.offset, `${w}: offset`),
    text(d.stage, `${w}: stage`),
    text(d.reason, `${w}: reason`),
    text(d.raw, `${w}: raw`),
  ].join(',')})`;
}

const POSITION_COLUMNS = ['pipeline', 'file_id', 'path', 'offset', 'checksum', 'updated_at'] as const;

function positionRow(p: SourcePosition, version: number): string {
  const w = `position ${String(p.path)}`;
  return `(${[
    text(p.pipeline, `${w}: pipeline`),
    text(p.fileId, `${w}: fileId`),
    text(p.path, `${w}: path`),
    int(p.offset, `${w}: offset`),
    p.checksum === undefined ? 'NULL' : text(p.checksum, `${w}: checksum`),
    encodeTimestamp(version),
  ].join(',')})`;
}

/** INSERT ... VALUES text: identifiers quoted by the dialect, every value from literal.ts. */
async function insert(node: ClickHouseNode, table: string, columns: readonly string[], rows: string[]) {
  const head = `insert into ${clickhouseDialect.quoteId(table)} (${columns.map((c) => clickhouseDialect.quoteId(c)).join(', ')}) values `;
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    await node.command({ text: head + rows.slice(i, i + INSERT_CHUNK).join(',') });
  }
}

function firstPerId<T extends { id: string }>(rows: readonly T[]): T[] {
  const seen = new Set<string>();
  return rows.filter((r) => {
    if (seen.has(r.id)) return false;
    seen.add(r.id);
    return true;
  });
}

/**
 * Ids of `events` already stored. Each chunk (sorted by time, so its range is narrow) first asks
 * for the stored ids in its slice of the sorting key (subsystem, ts): small queries, and for
 * fresh data an empty answer. Only a slice holding more than RANGE_CAP stored rows is looked up
 * by an `id in (...)` list instead (18.16 parses a 5,000-literal list in ~0.7 s).
 */
export async function storedEventIds(
  node: ClickHouseNode,
  events: readonly MortarEvent[],
  rangeCap = RANGE_CAP,
): Promise<Set<string>> {
  const found = new Set<string>();
  const sorted = [...events].sort((a, b) => a.ts - b.ts);
  for (let i = 0; i < sorted.length; i += GUARD_CHUNK) {
    const chunk = sorted.slice(i, i + GUARD_CHUNK);
    const subsystems = sql.list([...new Set(chunk.map((e) => e.subsystem))]);
    const slice = sql`subsystem in (${subsystems}) and ts >= ${sql.ts(chunk[0]!.ts)} and ts <= ${sql.ts(chunk.at(-1)!.ts)}`;
    let rows = await node.query(sql`select id from events where ${slice} limit ${rangeCap + 1}`);
    if (rows.length > rangeCap) {
      rows = await node.query(
        sql`select id from events where ${slice} and id in (${sql.list(chunk.map((e) => e.id))})`,
      );
    }
    for (const r of rows) found.add(String(r.id));
  }
  return found;
}

async function storedDeadLetterIds(
  node: ClickHouseNode,
  deadLetters: readonly DeadLetter[],
): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < deadLetters.length; i += GUARD_CHUNK) {
    const chunk = deadLetters.slice(i, i + GUARD_CHUNK);
    const rows = await node.query(
      sql`select id from dead_letters where pipeline in (${sql.list([...new Set(chunk.map((d) => d.pipeline))])})
        and id in (${sql.list(chunk.map((d) => d.id))})`,
    );
    for (const r of rows) found.add(String(r.id));
  }
  return found;
}

/** Per (pipeline, file id) the last position of the batch wins, as with DuckDB's upsert. */
function lastPerFile(positions: readonly SourcePosition[]): SourcePosition[] {
  const byKey = new Map<string, SourcePosition>();
  for (const p of positions) byKey.set(`${p.pipeline}\0${p.fileId}`, p);
  return [...byKey.values()];
}

export interface CommitHooks {
  /** Strictly increasing µs stamps, so a later position always wins. */
  version(): number;
  /** Deletes stored dead letters by id on every server holding them, and waits until done. */
  deleteDeadLetters(ids: readonly string[]): Promise<void>;
}

export async function commitBatch(
  node: ClickHouseNode,
  batch: CommitBatch,
  hooks: CommitHooks,
): Promise<void> {
  const { events, deadLetters, positions } = batch;
  const resolves = batch.resolvesDeadLetters ?? [];
  if (events.length === 0 && deadLetters.length === 0 && positions.length === 0 && resolves.length === 0)
    return;
  // 1. Encode everything first: an invalid value throws before anything is written.
  const eventRows = events.map(eventRow);
  const deadLetterRows = deadLetters.map(deadLetterRow);
  const at = hooks.version();
  const positionRows = lastPerFile(positions).map((p) => positionRow(p, at));

  // Resolved dead letters go first, so one still failing (same id, new reason) is stored anew.
  // Not atomic with the rest: a crash after it re-reads the lines and dead-letters them again.
  if (resolves.length > 0) await hooks.deleteDeadLetters(resolves);

  // 2. Rows not stored yet (the replay guard), then 3. positions.
  const byId = new Map(events.map((e, i) => [e, eventRows[i]!]));
  const newEvents = firstPerId(events);
  const storedEvents = newEvents.length > 0 ? await storedEventIds(node, newEvents) : new Set<string>();
  const freshEvents = newEvents.filter((e) => !storedEvents.has(e.id)).map((e) => byId.get(e)!);

  const dlById = new Map(deadLetters.map((d, i) => [d, deadLetterRows[i]!]));
  const newDeadLetters = firstPerId(deadLetters);
  const storedDls =
    newDeadLetters.length > 0 ? await storedDeadLetterIds(node, newDeadLetters) : new Set<string>();
  const freshDls = newDeadLetters.filter((d) => !storedDls.has(d.id)).map((d) => dlById.get(d)!);

  if (freshEvents.length > 0) await insert(node, 'events', EVENT_COLUMNS, freshEvents);
  if (freshDls.length > 0) await insert(node, 'dead_letters', DEAD_LETTER_COLUMNS, freshDls);
  if (positionRows.length > 0) await insert(node, 'source_positions_log', POSITION_COLUMNS, positionRows);
}
