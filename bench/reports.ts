// report.p95 and report.p95.clickhouse: the latency of every built-in report over a day of events
// (10M at --scale 1; bench/reportData.ts), run the way the API runs it (runReport: domain checks,
// plan, secure, compile, query, count when the page is full, cell conversion) with its default
// filters as an unrestricted identity, beside the same compiled SQL run straight through the
// warehouse's query(), so the ratio is the engine's own overhead. One entry per report
// (report.p95.<id>) plus the summary carrying the slowest report's figures.
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../src/events/errors.ts';
import { builtinReports } from '../src/reports/catalog.ts';
import { compileReport } from '../src/reports/compile.ts';
import { datasets } from '../src/reports/datasets.ts';
import type { ReportDef } from '../src/reports/definition.ts';
import { prepare, runReport, VIEW_MAX_ROWS } from '../src/reports/run.ts';
import { UNRESTRICTED } from '../src/reports/secure.ts';
import { copyWarehouse } from '../src/warehouse/copy/copyWarehouse.ts';
import { openWarehouse } from '../src/warehouse/open.ts';
import type { Warehouse } from '../src/warehouse/warehouse.ts';
import { startClickHouse } from '../test/support/clickhouse.ts';
import {
  DAY_END_US,
  DAY_US,
  generateDay,
  ingestSample,
  processSample,
  type ReportDay,
  type ReportSample,
  SAMPLE_MS,
  SAMPLE_START_US,
} from './reportData.ts';
import type { BenchContext, Measurement, NamedMeasurement, Scenario } from './scenario.ts';

/** Runs per report and side; fewer when a report is slow (at least MIN_RUNS). */
const RUNS = 20;
const MIN_RUNS = 5;
const BUDGET_MS = 20_000;
/** DuckDB's pool while generating (the default 256 MB spills); measured with the default. */
const GENERATE_POOL = '2GB';

const fmt = (n: number) => Math.round(n).toLocaleString('en');

function quantile(ms: number[], q: number): number {
  const s = [...ms].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil(s.length * q) - 1)]!;
}

interface ReportTiming {
  id: string;
  engine: number;
  reference: number;
  /** Medians: steadier than p95 over few runs on a busy machine, so they go in the notes. */
  engineP50: number;
  referenceP50: number;
  rows: number;
  runs: number;
}

async function timeReports(
  w: Warehouse,
  defs: ReportDef[],
  sets: ReturnType<typeof datasets>,
  ctx: BenchContext,
): Promise<ReportTiming[]> {
  const out: ReportTiming[] = [];
  for (const [i, def] of defs.entries()) {
    const ds = sets[def.dataset]!;
    const req = { filters: {}, nowUs: DAY_END_US };
    // The reference runs exactly what the engine compiles for this request and identity.
    const { plan } = prepare(def, req, UNRESTRICTED, VIEW_MAX_ROWS);
    const q = compileReport(plan, ds, w.sqlDialect);
    const engine = async () => (await runReport(w, def, ds, req, UNRESTRICTED)).rows.length;
    const reference = async () => {
      const rows = await w.query(q.page);
      if (plan.page.offset === 0 && rows.length >= plan.page.limit) await w.query(q.count);
      return rows.length;
    };
    const timed = async (f: () => Promise<number>) => {
      const t = performance.now();
      const rows = await f();
      return { ms: performance.now() - t, rows };
    };
    // Warm-up: caches of the engine (domains) and of the database (blocks) on both sides.
    const rows = (await timed(engine)).rows;
    const refRows = (await timed(reference)).rows;
    if (rows !== refRows)
      throw new Error(`report ${def.id}: the engine returned ${rows} rows, its SQL ${refRows}`);
    const e: number[] = [];
    const r: number[] = [];
    const started = performance.now();
    while (e.length < RUNS && (e.length < MIN_RUNS || performance.now() - started < BUDGET_MS)) {
      ctx.progress(`report ${i + 1}/${defs.length} ${def.id}: run ${e.length + 1}`);
      // Both sides in turn, which one goes first alternating too: drift in the machine's load
      // and whatever the run just before leaves warm favour neither.
      if (e.length % 2 === 0) {
        e.push((await timed(engine)).ms);
        r.push((await timed(reference)).ms);
      } else {
        r.push((await timed(reference)).ms);
        e.push((await timed(engine)).ms);
      }
    }
    out.push({
      id: def.id,
      engine: quantile(e, 0.95),
      reference: quantile(r, 0.95),
      engineP50: quantile(e, 0.5),
      referenceP50: quantile(r, 0.5),
      rows,
      runs: e.length,
    });
  }
  return out;
}

function summarise(timings: ReportTiming[], prefix: string, refName: string, input: string): Measurement {
  const entry = (t: ReportTiming): NamedMeasurement => ({
    name: `${prefix}.${t.id}`,
    value: t.engine,
    unit: 'ms p95',
    reference: { name: refName, value: t.reference },
    notes: `engine/SQL x${(t.engine / t.reference).toFixed(2)} at p95, x${(t.engineP50 / t.referenceP50).toFixed(2)} at p50 (${t.engineP50.toFixed(1)} / ${t.referenceP50.toFixed(1)} ms); ${t.rows} rows; ${t.runs} runs`,
  });
  const slowest = timings.reduce((a, b) => (b.engine > a.engine ? b : a));
  const worst = timings.reduce((a, b) => (b.engine / b.reference > a.engine / a.reference ? b : a));
  return {
    value: slowest.engine,
    unit: 'ms p95',
    reference: { name: refName, value: slowest.reference },
    notes: [
      `slowest ${slowest.id}: engine/SQL x${(slowest.engine / slowest.reference).toFixed(2)} (target <= 1.3)`,
      `highest overhead ${worst.id} x${(worst.engine / worst.reference).toFixed(2)}`,
      input,
    ].join('; '),
    extra: timings.map(entry),
  };
}

const dayNotes = (d: ReportDay) =>
  `${fmt(d.events)} events + ${fmt(d.deadLetters)} dead letters over ${DAY_US / 3_600_000_000} h` +
  (d.alerts
    ? `, ${fmt(d.alerts)} alerts / ${fmt(d.hops)} hops / ${fmt(d.transitions)} health intervals`
    : '') +
  ` (template: ${fmt(d.sampleEvents)} events from ${fmt(d.sampleLines)} simulated lines)`;

/** Generation gets a larger DuckDB pool than the default, which the measurement then uses. */
async function withPool<T>(pool: string, f: () => Promise<T>): Promise<T> {
  const prev = process.env.MORTAR_DUCKDB_MEMORY_LIMIT;
  process.env.MORTAR_DUCKDB_MEMORY_LIMIT = pool;
  try {
    return await f();
  } finally {
    if (prev === undefined) delete process.env.MORTAR_DUCKDB_MEMORY_LIMIT;
    else process.env.MORTAR_DUCKDB_MEMORY_LIMIT = prev;
  }
}

const eventCount = (scale: number) => Math.max(100_000, Math.round(10_000_000 * scale));

async function runDuckDB(ctx: BenchContext): Promise<Measurement> {
  const path = join(ctx.dir, 'reports.duckdb');
  const { day, flows } = await withPool(GENERATE_POOL, async () => {
    const sample = await ingestSample(ctx.dir, path, ctx.progress);
    try {
      return { day: await generateDay(sample, eventCount(ctx.scale), ctx.progress), flows: sample.flows };
    } finally {
      await sample.warehouse.close();
    }
  });
  const sets = datasets(flows);
  const w = await openWarehouse({ type: 'duckdb', path });
  try {
    const timings = await timeReports(w, builtinReports(sets), sets, ctx);
    return summarise(timings, 'report.p95', 'same SQL on duckdb', dayNotes(day));
  } finally {
    await w.close();
  }
}

async function clickhouseHttp(url: string, query: string, settings = ''): Promise<string> {
  const res = await fetch(`${url}/?query=${encodeURIComponent(query)}${settings}`, { method: 'POST' });
  const text = await res.text();
  if (!res.ok) throw new Error(`clickhouse: ${text.trim()}`);
  return text.trim();
}

/** Generates `events` events in bench.events (and dead letters in their ratio) from the sample database. */
async function generateOnClickHouse(
  url: string,
  sample: { events: number; deadLetters: number },
  events: number,
  progress: (text: string) => void,
): Promise<number> {
  const startUs = DAY_END_US - DAY_US;
  // Numbered in time order (one thread, so the numbering follows the sort), as on DuckDB: rows of
  // one subsystem stay spread over the day instead of in the blocks the per-file ingest wrote.
  await clickhouseHttp(
    url,
    'create table sample.ev engine = Memory as select rowNumberInAllBlocks() as rn, * from (select * from sample.events order by ts, id)',
    '&max_threads=1',
  );
  await clickhouseHttp(
    url,
    'create table sample.dl engine = Memory as select rowNumberInAllBlocks() as rn, * from (select * from sample.dead_letters order by received_at, id)',
    '&max_threads=1',
  );
  const chunk = 1_000_000;
  for (let lo = 0; lo < events; lo += chunk) {
    progress(`generating events on ClickHouse ${fmt(lo)} / ${fmt(events)}`);
    const n = Math.min(chunk, events - lo);
    const ts = `(${startUs} + toInt64(floor(i * ${DAY_US / events})))`;
    await clickhouseHttp(
      url,
      `insert into bench.events (id, ts, received_at, subsystem, component, source, kind, type, severity, keys, attrs, message, raw, pipeline, file, \`offset\`)
       select concat('g', toString(i)), ${ts}, ${ts} + greatest(0, s_rcv - s_ts), subsystem, component, source, kind, type, severity, keys, attrs, message, raw, pipeline, file, toInt64(i)
       from (select number as i, toUInt64(number % ${sample.events}) as rn from numbers(${lo}, ${n}))
       any inner join (select rn, ts as s_ts, received_at as s_rcv, subsystem, component, source, kind, type, severity, keys, attrs, message, raw, pipeline, file from sample.ev) using rn`,
    );
  }
  const dead = sample.deadLetters > 0 ? Math.round((sample.deadLetters / sample.events) * events) : 0;
  if (dead > 0)
    await clickhouseHttp(
      url,
      `insert into bench.dead_letters (id, received_at, source, pipeline, file, \`offset\`, stage, reason, raw)
       select concat('d', toString(i)), ${startUs} + toInt64(floor(i * ${DAY_US / dead})), source, pipeline, file, toInt64(i), stage, reason, raw
       from (select number as i, toUInt64(number % ${sample.deadLetters}) as rn from numbers(${dead}))
       any inner join (select rn, source, pipeline, file, stage, reason, raw from sample.dl) using rn`,
    );
  progress('merging parts (OPTIMIZE FINAL)');
  await clickhouseHttp(url, 'optimize table bench.events final');
  await clickhouseHttp(url, 'optimize table bench.dead_letters final');
  return dead;
}

/**
 * The derived tables over the day on ClickHouse, tiled from the sample's as on DuckDB (reportData.ts
 * generateDay): health time lines once per sample span, flow alerts and hops as many times as the
 * day has copies of the sample's events. Written straight into the logs behind the views
 * (derivedTables.ts), as one version.
 */
async function tileDerivedOnClickHouse(
  url: string,
  sampleEvents: number,
  events: number,
  progress: (text: string) => void,
): Promise<{ alerts: number; hops: number; transitions: number }> {
  progress('tiling the derived flow and health tables over the day');
  const startUs = DAY_END_US - DAY_US;
  const spanUs = SAMPLE_MS * 1000;
  const sampleEnd = SAMPLE_START_US + spanUs;
  const flowCopies = Math.max(1, Math.round(events / sampleEvents));
  const flowStepUs = flowCopies > 1 ? Math.floor((DAY_US - spanUs) / (flowCopies - 1)) : 0;
  const tables: Record<string, { tiles: number; stepUs: number; keep?: string }> = {
    flow_alerts: { tiles: flowCopies, stepUs: flowStepUs },
    flow_hops: { tiles: flowCopies, stepUs: flowStepUs },
    health_transitions: {
      tiles: Math.ceil(DAY_US / spanUs),
      stepUs: spanUs,
      keep: `where s.from_us < ${sampleEnd} and s.to_us > ${SAMPLE_START_US}`,
    },
  };
  const counts: Record<string, number> = {};
  for (const [table, t] of Object.entries(tables)) {
    const cols = (
      await clickhouseHttp(
        url,
        `select name from system.columns where database = 'bench' and table = '${table}'`,
      )
    )
      .trim()
      .split('\n')
      .filter(Boolean);
    const shift = `(toInt64(${startUs - SAMPLE_START_US}) + toInt64(k.k) * ${t.stepUs})`;
    const shifted: Record<string, string> = {
      root: `concat(s.root, '#', toString(k.k))`,
      root_us: `s.root_us + ${shift}`,
      updated_us: `s.updated_us + ${shift}`,
      from_us: `greatest(s.from_us, toInt64(${SAMPLE_START_US})) + ${shift}`,
      to_us: `least(s.to_us, toInt64(${sampleEnd})) + ${shift}`,
    };
    const pick = cols.map((c) => shifted[c] ?? `s.\`${c}\``).join(', ');
    const list = cols.map((c) => `\`${c}\``).join(', ');
    await clickhouseHttp(
      url,
      `insert into bench.${table}_log (${list}, _version, _deleted)
       select ${pick}, toUInt64(1), toUInt8(0) from sample.${table} as s
       cross join (select number as k from numbers(${t.tiles})) as k ${t.keep ?? ''}`,
    );
    counts[table] = Number((await clickhouseHttp(url, `select count() from bench.${table}`)).trim());
  }
  return { alerts: counts.flow_alerts!, hops: counts.flow_hops!, transitions: counts.health_transitions! };
}

async function runClickHouse(ctx: BenchContext): Promise<Measurement> {
  // The server first: without one the scenario stops at once, saying how to get it.
  const missing = (why: string) =>
    new UserError('bad_request', `report.p95.clickhouse needs a ClickHouse server: ${why}`, [
      {
        where: 'clickhouse-server',
        message: 'not installed or does not start',
        hint: 'run `bash scripts/ensure-clickhouse.sh` (or set MORTAR_CLICKHOUSE_SERVER to its binary), then retry',
      },
    ]);
  // The fixture spawns $MORTAR_CLICKHOUSE_SERVER as given; a wrong path would crash the process.
  const fromEnv = process.env.MORTAR_CLICKHOUSE_SERVER;
  if (fromEnv) {
    try {
      accessSync(fromEnv, constants.X_OK);
    } catch {
      throw missing(`MORTAR_CLICKHOUSE_SERVER=${fromEnv} is not an executable file`);
    }
  }
  let server: Awaited<ReturnType<typeof startClickHouse>>;
  try {
    server = await startClickHouse();
  } catch (error) {
    throw missing((error as Error).message.split('\n')[0] ?? String(error));
  }
  let sample: ReportSample | undefined;
  try {
    sample = await ingestSample(ctx.dir, join(ctx.dir, 'sample.duckdb'), ctx.progress);
    ctx.progress('copying the sample into ClickHouse');
    const target = await openWarehouse({ type: 'clickhouse', url: server.url, database: 'sample' });
    const copied = await copyWarehouse(sample.warehouse, target, { batchRows: 10_000 })
      .then(async (c) => {
        // The sample's flow and health tables from ClickHouse's own processors (the same rows as
        // DuckDB's: test/conformance/flows and health), tiled over the day below.
        ctx.progress('running the flow and health processors over the sample on ClickHouse');
        await processSample(target, sample!);
        return c;
      })
      .finally(() => target.close());
    await sample.warehouse.close();
    const { events: sampleEvents, deadLetters, lines, flows } = sample;
    sample = undefined;
    if (!copied.ok) throw new Error('report.p95.clickhouse: the sample copy into ClickHouse is incomplete');
    const w = await openWarehouse({ type: 'clickhouse', url: server.url, database: 'bench' });
    try {
      const events = eventCount(ctx.scale);
      const dead = await generateOnClickHouse(
        server.url,
        { events: sampleEvents, deadLetters },
        events,
        ctx.progress,
      );
      const derived = await tileDerivedOnClickHouse(server.url, sampleEvents, events, ctx.progress);
      const sets = datasets(flows);
      const defs = builtinReports(sets);
      const timings = await timeReports(w, defs, sets, ctx);
      return summarise(
        timings,
        'report.p95.clickhouse',
        'same SQL on clickhouse',
        `${fmt(events)} events + ${fmt(dead)} dead letters + ${fmt(derived.alerts)} alerts, ${fmt(derived.hops)} hops, ${fmt(derived.transitions)} health intervals over 24 h (template: ${fmt(sampleEvents)} events from ${fmt(lines)} simulated lines); all ${defs.length} built-in reports`,
      );
    } finally {
      await w.close();
    }
  } finally {
    await sample?.warehouse.close();
    await server.stop();
  }
}

export const reportP95: Scenario = {
  name: 'report.p95',
  description:
    'p95 latency of each built-in report through the engine over 10M events (x --scale) on DuckDB, beside the same SQL run directly',
  better: 'lower',
  run: runDuckDB,
};

export const reportP95ClickHouse: Scenario = {
  name: 'report.p95.clickhouse',
  description:
    'p95 latency of the built-in event and dead-letter reports through the engine over 10M events (x --scale) on a private ClickHouse, beside the same SQL run directly',
  better: 'lower',
  run: runClickHouse,
};
