// Data for the report benchmarks: a day of events shaped exactly like the demo world's, at any
// size, without parsing millions of log lines. A short stretch of the demo world is simulated
// (src/sim) and read by the real demo pipelines into a real DuckDB warehouse; that sample is then
// the template of a set-based INSERT ... SELECT over range(): generated event i copies sample row
// i mod n (subsystem, component, kind, type, severity, keys, attrs, message, raw, pipeline, file)
// and gets its own id and a time spread evenly over the day, so the distributions are the
// simulator's and the size is whatever the benchmark asks for.
//
// The derived tables the processor-based reports read (flow_alerts, flow_hops,
// health_transitions) come from the real processors run over the sample, then copied over the day
// (alert ids suffixed, times shifted), so their shape is real too: flows keep the sample's ratio of
// alerts to events, health time lines cover the day once.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Config, loadConfig } from '../src/config/load.ts';
import { waitUntilIdle } from '../src/pipeline/idle.ts';
import { startIngest } from '../src/pipeline/ingest.ts';
import { defineFlows, type FlowDef } from '../src/process/flows/definition.ts';
import { ensureFlowTables, processFlow } from '../src/process/flows/flow-processor.ts';
import { defineHealth } from '../src/process/health/definition.ts';
import { ensureHealthTables, processHealth } from '../src/process/health/health-processor.ts';
import { simulate } from '../src/sim/simulate.ts';
import { openWarehouse } from '../src/warehouse/open.ts';
import { type Sql, sql } from '../src/warehouse/sql.ts';
import type { Warehouse } from '../src/warehouse/warehouse.ts';

const DEMO_CONFIG = fileURLToPath(new URL('../config/demo/mortar.yaml', import.meta.url));

/** The simulated stretch every generated row copies from. */
export const SAMPLE_MS = 10 * 60_000;
export const SAMPLE_START_US = Date.parse('2026-03-01T00:00:00Z') * 1000;
/** The generated day ends here; reports run with `now` at this instant. */
export const DAY_END_US = Date.parse('2026-03-03T00:00:00Z') * 1000;
export const DAY_US = 86_400_000_000;
const CHUNK = 1_000_000;

const fmt = (n: number) => Math.round(n).toLocaleString('en');

export interface ReportSample {
  config: Config;
  flows: FlowDef[];
  warehouse: Warehouse;
  /** Events and dead letters the pipelines stored from the simulated logs. */
  events: number;
  deadLetters: number;
  lines: number;
}

/** Simulates SAMPLE_MS of the demo world and ingests it through the demo pipelines into `path`. */
export async function ingestSample(
  dir: string,
  path: string,
  progress: (text: string) => void,
): Promise<ReportSample> {
  progress(`simulating ${SAMPLE_MS / 60_000} min of the demo world`);
  const sim = await simulate({
    outDir: join(dir, 'sim'),
    seed: 11,
    durationMs: SAMPLE_MS,
    ratePerSecond: 5,
    rotateBytes: 1 << 30,
    start: new Date(SAMPLE_START_US / 1000),
  });
  const loaded = loadConfig(DEMO_CONFIG, { dataDir: dir });
  const config = { ...loaded, ingest: { ...loaded.ingest, workers: 0 } };
  progress(`ingesting ${fmt(sim.totalLines)} simulated lines through the demo pipelines`);
  const warehouse = await openWarehouse({ type: 'duckdb', path });
  const ingest = await startIngest(config, warehouse);
  await waitUntilIdle(ingest);
  await ingest.stop();
  const counts = await warehouse.counts();
  return {
    config,
    flows: defineFlows(config),
    warehouse,
    events: counts.events,
    deadLetters: counts.deadLetters,
    lines: sim.totalLines,
  };
}

/** Columns of a table in order (the INSERTs below name them, so the schema may grow). */
async function columns(w: Warehouse, table: string): Promise<string[]> {
  const rows = await w.query(
    sql`select column_name as c from information_schema.columns where table_name = ${table} order by ordinal_position`,
  );
  return rows.map((r) => String(r.c));
}

export interface ReportDay {
  events: number;
  deadLetters: number;
  alerts: number;
  hops: number;
  transitions: number;
  sampleEvents: number;
  sampleLines: number;
}

/**
 * Runs the real flow and health processors over the sample, then replaces the events, dead letters
 * and derived tables with a generated day ending at DAY_END_US holding `events` events.
 */
/** The real flow and health processors over the sample's events in `w` (DuckDB or ClickHouse). */
export async function processSample(
  w: Warehouse,
  sample: Pick<ReportSample, 'flows' | 'config'>,
): Promise<boolean> {
  const sampleEnd = SAMPLE_START_US + SAMPLE_MS * 1000;
  await ensureFlowTables(w);
  for (const flow of sample.flows)
    await processFlow(w, flow, {
      fromUs: SAMPLE_START_US - 60e6,
      toUs: sampleEnd + 60e6,
      nowUs: sampleEnd,
      idleUs: 60e6,
      skewUs: 60e6,
    });
  const health = defineHealth(sample.config);
  if (health) {
    await ensureHealthTables(w);
    await processHealth(w, health, { fromUs: SAMPLE_START_US, toUs: sampleEnd, nowUs: sampleEnd });
  }
  return health !== undefined;
}

export async function generateDay(
  sample: ReportSample,
  events: number,
  progress: (text: string) => void,
): Promise<ReportDay> {
  const w = sample.warehouse;
  const sampleEnd = SAMPLE_START_US + SAMPLE_MS * 1000;
  progress('running the flow and health processors over the sample');
  const health = await processSample(w, sample);

  progress('keeping the sample as the template');
  const id = sql.id;
  await w.execute([
    sql`create table bench_events as select row_number() over (order by ts, id) - 1 as rn, * from events`,
    sql`create table bench_dead as select row_number() over (order by received_at, id) - 1 as rn, * from dead_letters`,
    sql`delete from events`,
    sql`delete from dead_letters`,
  ]);

  const startUs = DAY_END_US - DAY_US;
  const n = sample.events;
  const perEventUs = DAY_US / events;
  const evCols = await columns(w, 'events');
  const generated: Record<string, Sql> = {
    id: sql`'g' || r.i`,
    ts: sql`make_timestamp(${startUs}::bigint + floor(r.i * ${perEventUs})::bigint)`,
    // The sample's ingest delay, kept per row.
    received_at: sql`make_timestamp(${startUs}::bigint + floor(r.i * ${perEventUs})::bigint
      + greatest(0, epoch_us(s.received_at) - epoch_us(s.ts)))`,
    offset: sql`r.i`,
  };
  const evSelect = sql.join(
    evCols.map((c) => generated[c] ?? id('s', c)),
    sql`, `,
  );
  for (let lo = 0; lo < events; lo += CHUNK) {
    progress(`generating events ${fmt(lo)} / ${fmt(events)}`);
    const hi = Math.min(events, lo + CHUNK);
    await w.execute([
      sql`insert into events (${sql.join(
        evCols.map((c) => id(c)),
        sql`, `,
      )})
        select ${evSelect} from range(${lo}::bigint, ${hi}::bigint) as r(i)
        join bench_events as s on s.rn = r.i % ${n}`,
    ]);
  }

  // Dead letters keep the sample's ratio to events.
  const dead = sample.deadLetters > 0 ? Math.round((sample.deadLetters / n) * events) : 0;
  if (dead > 0) {
    const dlCols = await columns(w, 'dead_letters');
    const perDeadUs = DAY_US / dead;
    const dlGen: Record<string, Sql> = {
      id: sql`'d' || r.i`,
      received_at: sql`make_timestamp(${startUs}::bigint + floor(r.i * ${perDeadUs})::bigint)`,
      offset: sql`r.i`,
    };
    await w.execute([
      sql`insert into dead_letters (${sql.join(
        dlCols.map((c) => id(c)),
        sql`, `,
      )})
        select ${sql.join(
          dlCols.map((c) => dlGen[c] ?? id('s', c)),
          sql`, `,
        )} from range(0, ${dead}::bigint) as r(i)
        join bench_dead as s on s.rn = r.i % ${sample.deadLetters}`,
    ]);
  }

  // Derived tables. Health time lines: the sample's intervals once per sample span of the day
  // (intervals never overlap per component, as the processor guarantees). Flows: as many copies
  // of the sample's alerts as the day has copies of its events, spread evenly over the day.
  progress('tiling the derived flow and health tables over the day');
  const spanUs = SAMPLE_MS * 1000;
  const healthTiles = Math.ceil(DAY_US / spanUs);
  const flowCopies = Math.max(1, Math.round(events / n));
  const flowStepUs = flowCopies > 1 ? Math.floor((DAY_US - spanUs) / (flowCopies - 1)) : 0;
  const shiftOf = (table: string) =>
    table === 'health_transitions'
      ? sql`(${startUs - SAMPLE_START_US}::bigint + k.k * ${spanUs}::bigint)`
      : sql`(${startUs - SAMPLE_START_US}::bigint + k.k * ${flowStepUs}::bigint)`;
  const tiled: Sql[] = [];
  for (const table of ['flow_alerts', 'flow_hops', 'health_transitions']) {
    const cols = await columns(w, table);
    if (cols.length === 0) continue;
    const shift = shiftOf(table);
    const shifted: Record<string, Sql> = {
      root: sql`s.root || '#' || k.k`,
      root_us: sql`s.root_us + ${shift}`,
      updated_us: sql`s.updated_us + ${shift}`,
      // Intervals cut at the sample's end, so tiles never overlap.
      from_us: sql`greatest(s.from_us, ${SAMPLE_START_US}::bigint) + ${shift}`,
      to_us: sql`least(s.to_us, ${sampleEnd}::bigint) + ${shift}`,
    };
    const tiles = table === 'health_transitions' ? healthTiles : flowCopies;
    const list = sql.join(
      cols.map((c) => id(c)),
      sql`, `,
    );
    const pick = sql.join(
      cols.map((c) => shifted[c] ?? id('s', c)),
      sql`, `,
    );
    const keep =
      table === 'health_transitions'
        ? sql`where s.from_us < ${sampleEnd} and s.to_us > ${SAMPLE_START_US}`
        : sql``;
    tiled.push(
      sql`create temp table bench_tile as select * from ${id(table)}`,
      sql`delete from ${id(table)}`,
      sql`insert into ${id(table)} (${list}) select ${pick} from bench_tile as s, range(0, ${tiles}) as k(k) ${keep}`,
      sql`drop table bench_tile`,
    );
  }
  await w.execute(tiled);
  await w.execute([sql`drop table bench_events`, sql`drop table bench_dead`]);

  const count = async (t: string) =>
    Number((await w.query(sql`select count(*) as n from ${id(t)}`))[0]?.n ?? 0);
  return {
    events,
    deadLetters: dead,
    alerts: await count('flow_alerts'),
    hops: await count('flow_hops'),
    transitions: health ? await count('health_transitions') : 0,
    sampleEvents: n,
    sampleLines: sample.lines,
  };
}
