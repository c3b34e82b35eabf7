// Measures commit throughput into a DuckDB file: rows/s for N realistic events committed in
// batches, each batch one transaction with a position upsert (commitBatch), through the commit
// path (columns encoded as a few large strings, INSERT ... SELECT) and the appender it replaced.
// Besides wall-clock rows/s it reports CPU time per row: the main thread's (what a commit takes
// away from parsing, which shares that thread) and the whole process's (DuckDB's threads too).
// On a busy machine the CPU figures are the steadier ones.
//
// Run: npx tsx bench/measureCommits.ts [--events 200000,1000000] [--batch 20000,50000,100000]
//        [--rounds 3] [--only REGEX] [--checkpoint]
// --checkpoint adds the final CHECKPOINT (what close() does) to the timed part.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { MortarEvent } from '../src/events/event.ts';
import { compile } from '../src/warehouse/dialect.ts';
import { appendBatchRows } from '../src/warehouse/duckdb/appendRows.ts';
import { commitBatch, type RowWriter } from '../src/warehouse/duckdb/commitBatch.ts';
import { duckdbDialect } from '../src/warehouse/duckdb/duckdbDialect.ts';
import { control } from '../src/warehouse/duckdb/execute.ts';
import { CHUNK_LIMITS, DEAD_LETTERS, EVENTS, insertRows } from '../src/warehouse/duckdb/insertRows.ts';
import { DUCKDB_MIGRATIONS } from '../src/warehouse/duckdb/migrations.ts';
import { mainThreadCpuUs } from './threadCpu.ts';

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '200000,1000000' },
    batch: { type: 'string', default: '20000,50000,100000' },
    rounds: { type: 'string', default: '3' },
    only: { type: 'string', default: '' },
    checkpoint: { type: 'boolean', default: false },
  },
});
const list = (s: string) => s.split(',').map(Number);

/** Events shaped like the demo's: hashed ids, a ~100-byte raw line, parsed attrs, keys on a third. */
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

/** Every row in one INSERT: no overlap of encoding with DuckDB's work. */
const wholeBatch: RowWriter = async (c, events, deadLetters) => {
  const limits = { rows: Number.MAX_SAFE_INTEGER, chars: CHUNK_LIMITS.chars };
  await insertRows(c, EVENTS, events, limits);
  await insertRows(c, DEAD_LETTERS, deadLetters, limits);
};

interface Strategy {
  setup?: string[];
  writer?: RowWriter;
}

const STRATEGIES: Record<string, Strategy> = {
  'appender, data chunks (before)': { writer: appendBatchRows },
  'columns -> INSERT SELECT (commit path)': {},
  'columns, whole batch in one INSERT': { writer: wholeBatch },
  'columns, events.id PRIMARY KEY': { setup: ['alter table events add primary key (id)'] },
};

interface Sample {
  rowsPerS: number;
  /** Main-thread CPU µs per row. */
  mainUs: number;
  /** Process CPU µs per row (all threads). */
  cpuUs: number;
}

async function measure(dir: string, name: string, events: MortarEvent[], batch: number): Promise<Sample> {
  const file = join(dir, `${name.replace(/\W+/g, '_')}.duckdb`);
  const instance = await DuckDBInstance.create(file);
  const c: DuckDBConnection = await instance.connect();
  try {
    for (const m of DUCKDB_MIGRATIONS)
      for (const s of m.statements) await c.run(compile(s, duckdbDialect).text);
    const strategy = STRATEGIES[name]!;
    for (const s of strategy.setup ?? []) await c.run(s);
    const main = mainThreadCpuUs();
    const cpu = process.cpuUsage();
    const start = performance.now();
    for (let i = 0; i < events.length; i += batch) {
      const rows = events.slice(i, i + batch);
      const positions = [{ pipeline: 'sensors', fileId: 'f1', path: '/var/log/x', offset: i + rows.length }];
      await commitBatch(c, { events: rows, deadLetters: [], positions }, strategy.writer);
    }
    if (args.checkpoint) await control(c, 'CHECKPOINT');
    const seconds = (performance.now() - start) / 1000;
    const mainUs = mainThreadCpuUs() - main;
    const used = process.cpuUsage(cpu);
    const count = (await c.runAndReadAll('select count(*) from events')).getRows()[0]![0];
    if (Number(count) !== events.length) throw new Error(`${name}: stored ${count} of ${events.length}`);
    return {
      rowsPerS: events.length / seconds,
      mainUs: mainUs / events.length,
      cpuUs: (used.user + used.system) / events.length,
    };
  } finally {
    c.closeSync();
    instance.closeSync();
    await rm(file, { force: true });
    await rm(`${file}.wal`, { force: true });
  }
}

const names = Object.keys(STRATEGIES).filter((n) => new RegExp(args.only).test(n));
const rounds = Number(args.rounds);
const dir = await mkdtemp(join(tmpdir(), 'mortar-measure-'));
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
try {
  console.log(
    `one transaction per batch (rows + position upsert)${args.checkpoint ? ' + final CHECKPOINT' : ''}; ` +
      `best and median of ${rounds} interleaved rounds; main = main-thread CPU µs/row, cpu = process CPU µs/row\n`,
  );
  console.log(
    '| events | batch | strategy | rows/s best | rows/s median | main CPU µs/row | all CPU µs/row |',
  );
  console.log('|---:|---:|---|---:|---:|---:|---:|');
  for (const total of list(args.events)) {
    const events = makeEvents(total);
    for (const batch of list(args.batch)) {
      const samples = new Map<string, Sample[]>(names.map((n) => [n, []]));
      // Rounds interleave the strategies, so a noisy neighbour slows all of them alike.
      for (let r = 0; r < rounds; r++) {
        for (const name of names) samples.get(name)!.push(await measure(dir, name, events, batch));
      }
      for (const [name, s] of samples) {
        const rates = s.map((x) => x.rowsPerS);
        console.log(
          `| ${fmt(total)} | ${fmt(batch)} | ${name} | ${fmt(Math.max(...rates))} | ${fmt(median(rates))} | ` +
            `${median(s.map((x) => x.mainUs)).toFixed(1)} | ${median(s.map((x) => x.cpuUs)).toFixed(1)} |`,
        );
      }
    }
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
