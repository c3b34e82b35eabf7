// Measures commit throughput into a DuckDB file: rows/s for 200k events in batches of 20k, each
// batch one transaction, through the alternatives considered for the commit path.
// Run: npx tsx src/warehouse/duckdb/measureCommits.ts [events] [batch] [rounds] [name filter]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type DuckDBAppender,
  type DuckDBConnection,
  DuckDBInstance,
  mapValue,
  timestampValue,
} from '@duckdb/node-api';
import type { MortarEvent } from '../../events/event.ts';
import { compile } from '../dialect.ts';
import { appendRows, EVENT_COLUMNS } from './appendRows.ts';
import { commitBatch } from './commitBatch.ts';
import { duckdbDialect } from './duckdbDialect.ts';
import { control } from './execute.ts';
import { DUCKDB_MIGRATIONS } from './migrations.ts';

const TOTAL = Number(process.argv[2] ?? 200_000);
const BATCH = Number(process.argv[3] ?? 20_000);
const ROUNDS = Number(process.argv[4] ?? 3);
const ONLY = process.argv[5] ?? '';

function makeEvents(n: number): MortarEvent[] {
  const subsystems = ['sensors', 'gateway', 'alarm-server', 'video', 'console'];
  const t0 = 1_760_000_000_000_000;
  return Array.from(
    { length: n },
    (_, i): MortarEvent => ({
      id: (i * 2654435761).toString(16).padStart(32, '0'),
      ts: t0 + i * 1000 + (i % 7),
      receivedAt: t0 + i * 1000 + 250_000,
      subsystem: subsystems[i % subsystems.length]!,
      component: `host-${i % 13}`,
      source: 'file',
      kind: i % 10 === 0 ? 'alert' : 'log',
      type: i % 10 === 0 ? 'alarm.raised' : 'heartbeat',
      severity: i % 10 === 0 ? 'warning' : 'info',
      keys: i % 3 === 0 ? { alarm_id: `A-${i}`, evt: String(i) } : {},
      attrs: { zone: `Z${i % 40}`, value: i * 0.5, ok: i % 2 === 0, path: ['a', 'b'] },
      message: `Alarm ${i} raised in zone Z${i % 40} by sensor S-${i % 97} (door contact)`,
      raw: `2025-10-09T12:00:00.${String(i % 1000).padStart(3, '0')};S-${i % 97};EVT ${i};door contact;zone=Z${i % 40};state=open`,
      pipeline: 'sensors',
      file: '/var/log/sensors/field.log',
      offset: i * 120,
    }),
  );
}

type Strategy = (c: DuckDBConnection, batch: MortarEvent[]) => Promise<void>;

function appendRowByRow(a: DuckDBAppender, events: readonly MortarEvent[]): void {
  const mapType = a.columnType(9);
  for (const e of events) {
    a.appendVarchar(e.id);
    a.appendTimestamp(timestampValue(BigInt(e.ts)));
    a.appendTimestamp(timestampValue(BigInt(e.receivedAt)));
    for (const s of [e.subsystem, e.component, e.source, e.kind, e.type, e.severity]) a.appendVarchar(s);
    a.appendValue(mapValue(Object.entries(e.keys).map(([key, value]) => ({ key, value }))), mapType);
    for (const s of [JSON.stringify(e.attrs), e.message, e.raw, e.pipeline, e.file]) a.appendVarchar(s);
    a.appendBigInt(BigInt(e.offset));
    a.endRow();
  }
}

const inTransaction =
  (body: Strategy): Strategy =>
  async (c, batch) => {
    await control(c, 'BEGIN TRANSACTION');
    await body(c, batch);
    await control(c, 'COMMIT');
  };

const STRATEGIES: Record<string, { setup?: string[]; run: Strategy }> = {
  'data chunks -> appender (commit path)': {
    run: (c, batch) => commitBatch(c, { events: batch, deadLetters: [], positions: [] }),
  },
  'row-by-row appender': {
    run: inTransaction(async (c, batch) => {
      const a = await c.createAppender('events');
      appendRowByRow(a, batch);
      a.flushSync();
      a.closeSync();
    }),
  },
  'data chunks -> temp staging table -> INSERT SELECT': {
    setup: ['create temp table staging as select * from events limit 0'],
    run: inTransaction(async (c, batch) => {
      const a = await c.createAppender('staging');
      appendRows(a, 'staging', EVENT_COLUMNS, batch);
      a.flushSync();
      a.closeSync();
      await c.run('insert into events select * from staging');
      await c.run('delete from staging');
    }),
  },
  'data chunks -> appender, events.id PRIMARY KEY': {
    setup: ['alter table events add primary key (id)'],
    run: (c, batch) => commitBatch(c, { events: batch, deadLetters: [], positions: [] }),
  },
};

async function measure(dir: string, name: string, events: MortarEvent[]): Promise<number> {
  const file = join(dir, `${name.replace(/\W+/g, '_')}.duckdb`);
  const instance = await DuckDBInstance.create(file);
  const c = await instance.connect();
  for (const s of DUCKDB_MIGRATIONS[0]!.statements) await c.run(compile(s, duckdbDialect).text);
  const strategy = STRATEGIES[name]!;
  for (const s of strategy.setup ?? []) await c.run(s);
  const start = performance.now();
  for (let i = 0; i < events.length; i += BATCH) await strategy.run(c, events.slice(i, i + BATCH));
  const seconds = (performance.now() - start) / 1000;
  const count = (await c.runAndReadAll('select count(*) from events')).getRows()[0]![0];
  if (Number(count) !== events.length) throw new Error(`${name}: stored ${count} of ${events.length}`);
  c.closeSync();
  instance.closeSync();
  await rm(file, { force: true });
  await rm(`${file}.wal`, { force: true });
  return events.length / seconds;
}

const events = makeEvents(TOTAL);
const dir = await mkdtemp(join(tmpdir(), 'mortar-measure-'));
try {
  console.log(
    `${TOTAL} events, batches of ${BATCH}, one transaction per batch, best and median of ${ROUNDS}`,
  );
  // Rounds interleave the strategies, so a noisy neighbour slows all of them alike.
  const names = Object.keys(STRATEGIES).filter((n) => n.includes(ONLY));
  const rates = new Map<string, number[]>(names.map((n) => [n, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const name of names) rates.get(name)!.push(await measure(dir, name, events));
  }
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US').padStart(9);
  for (const [name, rs] of rates) {
    rs.sort((a, b) => a - b);
    console.log(
      `${name.padEnd(52)} best ${fmt(rs.at(-1)!)} rows/s  median ${fmt(rs[rs.length >> 1]!)} rows/s`,
    );
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
