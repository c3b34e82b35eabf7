// Every report gives the same answer on every engine: a short demo world ingested by the real
// demo pipelines into a real DuckDB file, copied (copyWarehouse, as `mortar migrate` does) into a
// private ClickHouse server and into a two-shard ClickHouse cluster, then each report run through
// the engine's own entry point (runReport, what the API calls) on all three and compared: column
// metadata, total, truncation and every row.
//
// Only what is legitimately engine-specific is normalised: non-integer numbers are compared with a
// relative tolerance of 1e-9 (averages, rates and ratios sum in a different order on each engine
// and on each shard). Row order is never normalised: planReport appends every dimension as a tie
// breaker, so each result has a total order and must come back in the same order everywhere.
//
// Percentiles: the ClickHouse dialect uses `quantile`, which interpolates like DuckDB's
// quantile_cont but over a reservoir sample of 8192 values. This world stays below that size (a
// test says so), so percentiles are compared exactly like any other number; on larger groups
// ClickHouse's percentiles are approximate.
//
// The differences that remain (Unicode case folding in text search, the spelling of nested JSON
// and of exponent numbers in attributes) are asserted at the end, so they cannot go unnoticed.
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportRunResult } from '../../src/api/types.ts';
import { loadConfig } from '../../src/config/load.ts';
import type { MortarEvent } from '../../src/events/event.ts';
import { defineFlows } from '../../src/process/flows/definition.ts';
import { ensureFlowTables, processFlow } from '../../src/process/flows/flow-processor.ts';
import { defineHealth } from '../../src/process/health/definition.ts';
import { ensureHealthTables, eventSpanUs, processHealth } from '../../src/process/health/health-processor.ts';
import { builtinReports, configReports } from '../../src/reports/catalog.ts';
import { type DatasetDef, num } from '../../src/reports/dataset.ts';
import { datasets } from '../../src/reports/datasets.ts';
import type { ReportDef } from '../../src/reports/definition.ts';
import { filterValues, type RunRequest, runReport } from '../../src/reports/run.ts';
import { type Identity, UNRESTRICTED } from '../../src/reports/secure.ts';
import { validateReportYaml } from '../../src/reports/validate.ts';
import { COPIED_TABLES, copyWarehouse } from '../../src/warehouse/copy/copyWarehouse.ts';
import { openWarehouse } from '../../src/warehouse/open.ts';
import { sql } from '../../src/warehouse/sql.ts';
import { makeEvent } from '../../src/warehouse/testRows.ts';
import type { Warehouse } from '../../src/warehouse/warehouse.ts';
import {
  type ClickHouseCluster,
  type ClickHouseServer,
  startClickHouse,
  startClickHouseCluster,
} from '../support/clickhouse.ts';
import { DEMO_CONFIG, type SimulatedWarehouse, simulatedWarehouse } from '../support/simulated-warehouse.ts';

const START_US = Date.parse('2026-03-02T10:00:00Z') * 1000;
const DURATION_MS = 4 * 60_000;
/** Event-time "now" just after the simulation: relative time ranges of event reports cover it. */
const SIM_NOW_US = START_US + DURATION_MS * 1000 + 60e6;
const ALL_TIME = '2026-03-02T09:00:00Z..2026-03-02T12:00:00Z';
/** ClickHouse's `quantile` is exact below this many values per group. */
const RESERVOIR = 8192;

// The shipped reports, classified at collection time so the test names list them.
const CONFIG = loadConfig(DEMO_CONFIG, { dataDir: tmpdir() });
const SETS = datasets(defineFlows(CONFIG));
const SHIPPED: ReportDef[] = [...builtinReports(SETS), ...configReports(CONFIG, SETS)];
/**
 * Datasets over tables the copy carries to ClickHouse or that a processor builds there too (flows,
 * computed below on every engine); the other processors run on DuckDB only.
 */
const tablesOnClickHouse = new Set<string>([
  ...COPIED_TABLES,
  'flow_alerts',
  'flow_hops',
  'flow_steps',
  'health_transitions',
]);
const onClickHouse = (def: ReportDef) => {
  const ds = SETS[def.dataset]!;
  return [ds.table, ...Object.values(ds.joins).map((j) => j.table)].every((t) => tablesOnClickHouse.has(t));
};
const RUNNABLE = SHIPPED.filter(onClickHouse);
const NOT_ON_CLICKHOUSE = SHIPPED.filter((d) => !onClickHouse(d));

// Neither events nor dead_letters expose a number in the shipped semantic layer, so sum, avg,
// percentiles and number_range filters get one here: the byte offset of each record in its file,
// a real column of both tables.
const TEST_SETS: Record<string, DatasetDef> = {
  ...SETS,
  events: {
    ...SETS.events!,
    dimensions: { ...SETS.events!.dimensions, offset: num('offset', 'Offset', 'B') },
  },
  dead_letters: {
    ...SETS.dead_letters!,
    dimensions: { ...SETS.dead_letters!.dimensions, offset: num('offset', 'Offset', 'B') },
  },
};

/**
 * A few hand-made events beside the simulated ones (a day before them, outside ALL_TIME): text
 * and JSON values where engines are most likely to differ (non-ASCII case, number formats,
 * nested and null JSON members, quotes and escapes in keys and values).
 */
const ODD_US = START_US - 86_400e6;
const ODD_EVENTS = (
  [
    { message: 'Ölçüm ÜBER Straße', attrs: { n: 0.30000000000000004, big: 1e21, small: 1.5e-7, flag: true } },
    {
      message: 'ΣΊΣΥΦΟΣ İstanbul ǅ',
      attrs: { n: -0, nested: { a: [1, 'x'] }, list: [1, 'x', null], nothing: null, int: 12345678901234 },
    },
    { message: 'ascii only', attrs: { quote: 'he said "hi"\n\\ ok', emoji: '😀 Ä', 'dotted.key': 'v' } },
    { message: 'CAFÉ déjà vu', attrs: { n: 21.5, e: 'é', empty: '' } },
  ] as Pick<MortarEvent, 'message' | 'attrs'>[]
).map((o, i) => makeEvent(9_000_000 + i, { ts: ODD_US + i * 1_000_000, subsystem: 'odd', ...o }));

interface Engine {
  name: string;
  w: Warehouse;
}

let sim: SimulatedWarehouse;
let single: ClickHouseServer | undefined;
let cluster: ClickHouseCluster | undefined;
let duck: Engine;
let others: Engine[] = [];
/** Wall-clock "now" after ingest: dead letters and received_at carry the ingest time. */
let wallNowUs: number;

beforeAll(async () => {
  [sim, single, cluster] = await Promise.all([
    simulatedWarehouse(
      {
        seed: 7,
        durationMs: DURATION_MS,
        ratePerSecond: 2,
        corruptRate: 0.02,
        lossRate: 0.05,
        scenarios: 'failover,console-stall:at=1m:for=90s',
        start: new Date(START_US / 1000),
      },
      'mortar-reports-conf-',
    ),
    startClickHouse(),
    startClickHouseCluster('reports_conf', 2),
  ]);
  wallNowUs = Date.now() * 1000 + 60e6;
  await sim.warehouse.commit({ events: ODD_EVENTS, deadLetters: [], positions: [] });
  duck = { name: 'duckdb', w: sim.warehouse };
  const ch = await openWarehouse({ type: 'clickhouse', url: single.url, database: 'reports' });
  const chc = await openWarehouse({
    type: 'clickhouse',
    url: cluster.servers[1]!.url,
    database: 'reports',
    cluster: cluster.name,
    shards: cluster.servers.map((s) => s.url),
  });
  others = [
    { name: 'clickhouse', w: ch },
    { name: 'clickhouse cluster (2 shards)', w: chc },
  ];
  for (const e of others) {
    const copied = await copyWarehouse(sim.warehouse, e.w);
    expect(copied.ok, e.name).toBe(true);
  }
  // Flow tables: each engine's own processor over the whole simulation (equal rows: flows.conformance).
  const flows = defineFlows(sim.config);
  const [span] = await duck.w.query(
    sql`select min(epoch_us(ts)) as lo, max(epoch_us(ts)) as hi from events where subsystem != 'odd'`,
  );
  const window = {
    fromUs: Number(span!.lo),
    toUs: Number(span!.hi) + 1,
    nowUs: Number(span!.hi),
    idleUs: 60e6,
    skewUs: 60e6,
  };
  await ensureFlowTables(duck.w);
  for (const e of [duck, ...others]) for (const f of flows) await processFlow(e.w, f, window);
  // Health time lines likewise (equal rows: health.conformance).
  const health = defineHealth(sim.config)!;
  await ensureHealthTables(duck.w);
  const all = await eventSpanUs(duck.w);
  for (const e of [duck, ...others])
    await processHealth(e.w, health, { fromUs: all!.firstUs, toUs: all!.lastUs + 1, nowUs: all!.lastUs });
}, 180_000);

afterAll(async () => {
  for (const e of others) await e.w.close();
  await sim?.warehouse.close();
  await Promise.all([single?.stop(), cluster?.stop()]);
  if (sim) rmSync(sim.dir, { recursive: true, force: true });
});

type Cell = string | number | null;

/** Cells that differ beyond the legitimate engine differences (see the file comment). */
function cellDiffs(want: Cell[][], got: Cell[][]): string[] {
  const out: string[] = [];
  const n = Math.max(want.length, got.length);
  for (let i = 0; i < n; i++) {
    const a = want[i];
    const b = got[i];
    if (!a || !b) {
      out.push(`row ${i}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
      continue;
    }
    for (let j = 0; j < Math.max(a.length, b.length); j++) {
      const x = a[j];
      const y = b[j];
      if (x === y) continue;
      const close =
        typeof x === 'number' &&
        typeof y === 'number' &&
        Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y));
      if (!close) out.push(`row ${i} col ${j}: ${JSON.stringify(x)} vs ${JSON.stringify(y)}`);
    }
  }
  return out;
}

function expectSame(label: string, want: ReportRunResult, got: ReportRunResult): void {
  expect(got.columns, `${label}: columns`).toEqual(want.columns);
  expect({ total: got.total, truncated: got.truncated }, `${label}: total`).toEqual({
    total: want.total,
    truncated: want.truncated,
  });
  expect(cellDiffs(want.rows, got.rows), `${label}: rows`).toEqual([]);
}

/** Runs one definition on every engine; returns DuckDB's result after comparing the others with it. */
async function runEverywhere(def: ReportDef, ds: DatasetDef, req: RunRequest): Promise<ReportRunResult> {
  const want = await runReport(duck.w, def, ds, req, UNRESTRICTED);
  for (const e of others)
    expectSame(`${def.id} on ${e.name}`, want, await runReport(e.w, def, ds, req, UNRESTRICTED));
  return want;
}

/** "Now" for a report's relative default time range: the data's own time. */
const nowFor = (def: ReportDef) =>
  def.filters.some((f) => f.kind === 'time_range' && f.dimension === 'received_at') ? wallNowUs : SIM_NOW_US;

describe('built-in and config reports give the same result on DuckDB and ClickHouse', () => {
  it('the world is big enough to compare and small enough for exact percentiles', async () => {
    const [c] = await duck.w.query(sql`select count(*) as n from events`);
    const [dl] = await duck.w.query(sql`select count(*) as n from dead_letters`);
    expect(Number(c!.n)).toBeGreaterThan(1000);
    expect(Number(c!.n)).toBeLessThan(RESERVOIR);
    expect(Number(dl!.n)).toBeGreaterThan(5);
    expect(RUNNABLE.length).toBeGreaterThanOrEqual(7);
  });

  for (const def of RUNNABLE)
    it(`${def.id} (${def.source}, ${def.dataset}) with default filters: first page and whole result`, async () => {
      const ds = SETS[def.dataset]!;
      const page = await runEverywhere(def, ds, { filters: {}, nowUs: nowFor(def) });
      expect(page.rows.length, def.id).toBeGreaterThan(0);
      await runEverywhere(def, ds, { filters: {}, nowUs: nowFor(def), limit: 10_000 });
    });

  it('every shipped report runs on ClickHouse (the processors of its tables run there too)', () => {
    expect(NOT_ON_CLICKHOUSE.map((d) => d.id)).toEqual([]);
  });
});

describe('filter value lists are the same on every engine', () => {
  for (const def of RUNNABLE)
    for (const f of def.filters.filter((x) => x.kind === 'multi_select'))
      it(`${def.id}: values of ${f.id}`, async () => {
        const ds = SETS[def.dataset]!;
        const time = def.filters.find((x) => x.kind === 'time_range');
        const values = time
          ? { [time.id]: [def.dataset === 'dead_letters' ? 'now-1d..now+1h' : ALL_TIME] }
          : {};
        const want = await filterValues(duck.w, def, ds, f.id, values, undefined, UNRESTRICTED);
        expect(want.length, f.id).toBeGreaterThan(0);
        for (const e of others)
          expect(await filterValues(e.w, def, ds, f.id, values, undefined, UNRESTRICTED), e.name).toEqual(
            want,
          );
      });
});

/**
 * One user definition of the table: its YAML body (id, title and a table visual are added), the
 * request, and which "now" relative ranges are read against (event time or wall clock).
 */
interface Case {
  name: string;
  yaml: string;
  req?: Omit<RunRequest, 'filters' | 'nowUs'> & { filters?: RunRequest['filters'] };
  now?: 'sim' | 'wall';
  /** Rows expected: some (the default), none (an offset past the end), or either. */
  rows?: 'some' | 'none' | 'any';
}

const TIME = `filters: [{ id: time, kind: time_range, dimension: ts, default: '${ALL_TIME}' }]`;
const DL_TIME = `filters: [{ id: time, kind: time_range, dimension: received_at, default: now-1h..now }]`;

const CASES: Case[] = [
  // Time dimensions at each granularity, and raw.
  { name: 'ts by minute', yaml: `dataset: events\ndimensions: [ts:minute]\nmeasures: [events]\n${TIME}` },
  {
    name: 'ts by hour and subsystem',
    yaml: `dataset: events\ndimensions: ['ts:hour', subsystem]\nmeasures: [events]\n${TIME}`,
  },
  {
    name: 'ts by day and kind',
    yaml: `dataset: events\ndimensions: ['ts:day', kind]\nmeasures: [events]\n${TIME}`,
  },
  {
    name: 'ts by week',
    yaml: `dataset: events\ndimensions: ['ts:week']\nmeasures: [events, types]\n${TIME}`,
  },
  {
    name: 'received_at (wall clock) by minute and pipeline',
    yaml: `dataset: events\ndimensions: ['received_at:minute', pipeline]\nmeasures: [events]`,
  },
  {
    name: 'raw ts (no granularity), newest first, limit 30',
    yaml: `dataset: events\ndimensions: [{ dimension: ts, as: at }, component, type]\nmeasures: [events]\nsort: { column: at, dir: desc }\nlimit: 30\n${TIME}`,
  },
  // Attribute paths.
  {
    name: 'attrs.zone and attrs.prio with distinct keys.alarm_id',
    yaml: `dataset: events\ndimensions: [{ dimension: attrs.zone, as: zone }, { dimension: attrs.prio, as: prio }]\nmeasures: [events, { name: alarms, agg: count_distinct, of: keys.alarm_id }]`,
  },
  {
    name: 'keys.alarm_ref, busiest first, limit 40',
    yaml: `dataset: events\ndimensions: [keys.alarm_ref]\nmeasures: [events, components]\nsort: { column: events, dir: desc }\nlimit: 40`,
  },
  {
    name: 'numeric JSON attributes as text (attrs.temp_c, attrs.open_alarms, attrs.heap_used_mb)',
    yaml: `dataset: events\ndimensions: [subsystem, attrs.temp_c, attrs.open_alarms, attrs.heap_used_mb]\nmeasures: [events]`,
  },
  {
    name: 'absent attributes group as NULL, sorted last (attrs.camera, keys.evt)',
    yaml: `dataset: events\ndimensions: [subsystem, attrs.camera, keys.evt]\nmeasures: [events]\nlimit: 200`,
  },
  {
    name: 'JSON members of every type as text (numbers, booleans, arrays, null, escapes)',
    yaml: `dataset: events\ndimensions: [message, attrs.n, attrs.small, attrs.flag, attrs.list, attrs.nothing, attrs.int, attrs.quote, attrs.emoji, attrs.dotted.key, attrs.e, attrs.empty]\nmeasures: [events]\nfilters: [{ id: s, kind: multi_select, dimension: subsystem, default: [odd] }]`,
  },
  ...['über', 'STRASSE', 'σίσυφος', 'İSTANBUL', 'café', 'DÉJÀ', 'ä'].map(
    (q): Case => ({
      name: `text search beyond ASCII: ${q}`,
      yaml: `dataset: events\ndimensions: [message, attrs.emoji]\nmeasures: [events]\nfilters: [{ id: q, kind: text, dimension: message }, { id: s, kind: multi_select, dimension: subsystem, default: [odd] }]`,
      req: { filters: { q: [q] } },
      rows: 'any',
    }),
  ),
  {
    name: 'attrs.operator',
    yaml: `dataset: events\ndimensions: [attrs.operator, attrs.role]\nmeasures: [events]`,
  },
  // Every measure kind.
  {
    name: 'count and count_distinct of columns and paths',
    yaml: `dataset: events\ndimensions: [subsystem]\nmeasures: [events, components, types, { name: zones, agg: count_distinct, of: attrs.zone }, { name: evts, agg: count_distinct, of: keys.evt }]`,
  },
  {
    name: 'min and max of times',
    yaml: `dataset: events\ndimensions: [subsystem, kind]\nmeasures: [first_seen, last_seen, { name: first_received, agg: min, of: received_at }]`,
  },
  {
    name: 'sum, avg, min, max of a number',
    yaml: `dataset: events\ndimensions: [pipeline]\nmeasures: [{ name: s, agg: sum, of: offset }, { name: a, agg: avg, of: offset }, { name: lo, agg: min, of: offset }, { name: hi, agg: max, of: offset }]`,
  },
  {
    name: 'percentiles p50, p95, p99 per component',
    yaml: `dataset: events\ndimensions: [subsystem, component]\nmeasures: [{ name: p50, agg: p50, of: offset }, { name: p95, agg: p95, of: offset }, { name: p99, agg: p99, of: offset }]`,
  },
  {
    name: 'percentiles over everything (no dimension)',
    yaml: `dataset: events\ndimensions: []\nmeasures: [events, { name: p50, agg: p50, of: offset }, { name: p95, agg: p95, of: offset }, { name: p99, agg: p99, of: offset }]`,
  },
  {
    name: 'rates per second and minute over the time range',
    yaml: `dataset: events\ndimensions: [subsystem]\nmeasures: [events_per_second, events_per_minute]\n${TIME}`,
  },
  {
    name: 'rate per minute bucket',
    yaml: `dataset: events\ndimensions: ['ts:minute', kind]\nmeasures: [events_per_second, { name: per_min, agg: rate, per: minute }]`,
  },
  {
    name: 'ratios: distinct per count in percent, sum over count, a zero denominator is NULL',
    yaml: `dataset: events\ndimensions: [subsystem]\nmeasures:\n  - events\n  - { name: alarms, agg: count_distinct, of: keys.alarm_id }\n  - { name: cams, agg: count_distinct, of: attrs.camera }\n  - { name: bytes, agg: sum, of: offset }\n  - { name: alarm_pct, agg: ratio, numerator: alarms, denominator: events, scale: 100 }\n  - { name: avg_offset, agg: ratio, numerator: bytes, denominator: events }\n  - { name: per_camera, agg: ratio, numerator: events, denominator: cams }\n  - { name: of_dataset, agg: ratio, numerator: components, denominator: types }`,
  },
  {
    name: 'every measure kind in one totals row',
    yaml: `dataset: events\ndimensions: []\nmeasures: [events, components, first_seen, last_seen, events_per_minute, { name: s, agg: sum, of: offset }, { name: a, agg: avg, of: offset }, { name: p95, agg: p95, of: offset }, { name: r, agg: ratio, numerator: components, denominator: events, scale: 1000 }]\n${TIME}`,
  },
  {
    name: 'totals over no rows at all (one row of empty aggregates)',
    yaml: `dataset: events\ndimensions: []\nmeasures: [events, components, first_seen, last_seen, events_per_minute, { name: s, agg: sum, of: offset }, { name: a, agg: avg, of: offset }, { name: lo, agg: min, of: offset }, { name: p95, agg: p95, of: offset }, { name: r, agg: ratio, numerator: components, denominator: events }]\n${TIME}`,
    req: { filters: { time: ['2020-01-01T00:00:00Z..2020-01-02T00:00:00Z'] } },
  },
  // Segments.
  {
    name: 'segment errors',
    yaml: `dataset: events\ndimensions: [component, message]\nmeasures: [events]\nsegments: [errors]`,
  },
  {
    name: 'segment alerts',
    yaml: `dataset: events\ndimensions: [type, severity]\nmeasures: [events]\nsegments: [alerts]`,
  },
  {
    name: 'segment heartbeats by component and minute',
    yaml: `dataset: events\ndimensions: [component, 'ts:minute']\nmeasures: [events]\nsegments: [heartbeats]`,
  },
  {
    name: 'two segments (alerts and heartbeats) leave nothing',
    yaml: `dataset: events\ndimensions: [subsystem]\nmeasures: [events]\nsegments: [alerts, heartbeats]`,
    rows: 'none',
  },
  // Filters.
  {
    name: 'absolute time range (narrow, with fractions)',
    yaml: `dataset: events\ndimensions: ['ts:minute', subsystem]\nmeasures: [events, events_per_second]\n${TIME}`,
    req: { filters: { time: ['2026-03-02T10:01:00.5Z..2026-03-02T10:02:30.25Z'] } },
  },
  {
    name: 'relative time range by default',
    yaml: `dataset: events\ndimensions: [subsystem]\nmeasures: [events, events_per_minute]\nfilters: [{ id: time, kind: time_range, dimension: ts, default: now-3m..now }]`,
  },
  {
    name: 'relative time range given',
    yaml: `dataset: events\ndimensions: [subsystem]\nmeasures: [events]\n${TIME}`,
    req: { filters: { time: ['now-150s..now-90s'] } },
  },
  {
    name: 'relative time range on received_at (wall clock)',
    yaml: `dataset: events\ndimensions: [pipeline]\nmeasures: [events]\nfilters: [{ id: time, kind: time_range, dimension: received_at, default: now-1h..now }]`,
    now: 'wall',
  },
  {
    name: 'multi-select given',
    yaml: `dataset: events\ndimensions: [subsystem, type]\nmeasures: [events]\nfilters: [{ id: subsystem, kind: multi_select, dimension: subsystem }]`,
    req: { filters: { subsystem: ['gateway', 'video'] } },
  },
  {
    name: 'multi-select by default',
    yaml: `dataset: events\ndimensions: [attrs.zone]\nmeasures: [events]\nfilters: [{ id: type, kind: multi_select, dimension: type, default: [alarm.raised] }]`,
  },
  {
    name: 'multi-select on an attribute path',
    yaml: `dataset: events\ndimensions: [attrs.zone, type]\nmeasures: [events]\nfilters: [{ id: zone, kind: multi_select, dimension: attrs.zone }]`,
    req: { filters: { zone: ['east-1', 'lobby-1'] } },
  },
  {
    name: 'multi-select on a key path',
    yaml: `dataset: events\ndimensions: [keys.alarm_ref, type, component]\nmeasures: [events]\nfilters: [{ id: ref, kind: multi_select, dimension: keys.alarm_ref }]`,
    req: { filters: { ref: ['sc-01/1017', 'sc-01/1031'] } },
  },
  {
    name: 'text search (case-insensitive) on the message',
    yaml: `dataset: events\ndimensions: [subsystem, type]\nmeasures: [events]\nfilters: [{ id: q, kind: text, dimension: message }]`,
    req: { filters: { q: ['ALARM'] } },
  },
  {
    name: 'text search by default on an attribute',
    yaml: `dataset: events\ndimensions: [attrs.zone]\nmeasures: [events]\nfilters: [{ id: q, kind: text, dimension: attrs.zone, default: '1' }]`,
  },
  {
    name: 'numeric range min..max',
    yaml: `dataset: events\ndimensions: [pipeline]\nmeasures: [events, { name: lo, agg: min, of: offset }, { name: hi, agg: max, of: offset }]\nfilters: [{ id: off, kind: number_range, dimension: offset, min: 0 }]`,
    req: { filters: { off: ['1000..50000.5'] } },
  },
  {
    name: 'numeric range open above, by default',
    yaml: `dataset: events\ndimensions: [pipeline]\nmeasures: [events]\nfilters: [{ id: off, kind: number_range, dimension: offset, default: '20000..' }]`,
  },
  {
    name: 'numeric range open below',
    yaml: `dataset: events\ndimensions: [pipeline]\nmeasures: [events]\nfilters: [{ id: off, kind: number_range, dimension: offset }]`,
    req: { filters: { off: ['..20000'] } },
  },
  {
    name: 'all filter kinds together',
    yaml: `dataset: events\ndimensions: ['ts:minute', component]\nmeasures: [events, { name: p50, agg: p50, of: offset }]\nfilters:\n  - { id: time, kind: time_range, dimension: ts, default: now-4m..now }\n  - { id: subsystem, kind: multi_select, dimension: subsystem, default: [alarm-server, console, gateway] }\n  - { id: q, kind: text, dimension: message, default: a }\n  - { id: off, kind: number_range, dimension: offset, default: '100..' }`,
  },
  // Sort, limit, paging.
  {
    name: 'sort by a measure, descending (request)',
    yaml: `dataset: events\ndimensions: [component, type]\nmeasures: [events, first_seen]`,
    req: { sort: 'events', dir: 'desc', limit: 10_000 },
  },
  {
    name: 'sort by a dimension, descending, over the definition sort',
    yaml: `dataset: events\ndimensions: [component, type]\nmeasures: [events]\nsort: { column: events, dir: asc }`,
    req: { sort: 'type', dir: 'desc' },
  },
  {
    name: 'sort by a time measure, ascending',
    yaml: `dataset: events\ndimensions: [component]\nmeasures: [last_seen, events]\nsort: last_seen`,
  },
  {
    name: 'sort by a float measure (avg), descending',
    yaml: `dataset: events\ndimensions: [component]\nmeasures: [{ name: a, agg: avg, of: offset }]\nsort: { column: a, dir: desc }`,
  },
  {
    name: 'definition limit cuts the result (truncated)',
    yaml: `dataset: events\ndimensions: [component, type]\nmeasures: [events]\nsort: { column: events, dir: desc }\nlimit: 5`,
  },
  {
    name: 'a middle page',
    yaml: `dataset: events\ndimensions: [component, type]\nmeasures: [events]\nsort: { column: events, dir: desc }`,
    req: { limit: 7, offset: 14 },
  },
  {
    name: 'the last, partial page of a limited result',
    yaml: `dataset: events\ndimensions: [component, type]\nmeasures: [events]\nlimit: 25`,
    req: { limit: 10, offset: 20 },
  },
  {
    name: 'a page past the end',
    yaml: `dataset: events\ndimensions: [subsystem]\nmeasures: [events]`,
    req: { limit: 10, offset: 100 },
    rows: 'none',
  },
  // Dead letters.
  {
    name: 'dead letters by pipeline, stage and reason (relative range, wall clock)',
    yaml: `dataset: dead_letters\ndimensions: [pipeline, stage, reason]\nmeasures: [dead_letters, files, last_seen]\n${DL_TIME}`,
    now: 'wall',
  },
  {
    name: 'dead letters per minute and file',
    yaml: `dataset: dead_letters\ndimensions: ['received_at:minute', file]\nmeasures: [dead_letters, { name: per_s, agg: rate, per: second }]`,
  },
  {
    name: 'dead letters: number measures, text, multi-select and numeric range filters',
    yaml: `dataset: dead_letters\ndimensions: [pipeline]\nmeasures: [dead_letters, { name: s, agg: sum, of: offset }, { name: a, agg: avg, of: offset }, { name: p95, agg: p95, of: offset }, { name: share, agg: ratio, numerator: files, denominator: dead_letters, scale: 100 }]\nfilters:\n  - { id: pipeline, kind: multi_select, dimension: pipeline, default: [gateway, sensors, video, console, alarm-server] }\n  - { id: q, kind: text, dimension: raw }\n  - { id: off, kind: number_range, dimension: offset }`,
    req: { filters: { q: ['E'], off: ['1..'] } },
  },
  {
    name: 'dead letters sorted by reason, descending, paged',
    yaml: `dataset: dead_letters\ndimensions: [reason, file]\nmeasures: [dead_letters]`,
    req: { sort: 'reason', dir: 'desc', limit: 3, offset: 1 },
  },
];

/** A user definition from its YAML body, validated as the editor's are. */
function define(id: string, yaml: string): ReportDef {
  const r = validateReportYaml(`id: ${id}\ntitle: ${id}\n${yaml}\nvisual: { type: table }\n`, {
    datasets: TEST_SETS,
  });
  if (!r.ok) throw new Error(`${id}: ${JSON.stringify(r.errors)}`);
  return r.def;
}

describe('user definitions over every feature of the semantic layer give the same rows on every engine', () => {
  for (const [i, c] of CASES.entries())
    it(c.name, async () => {
      const def = define(`case-${i}`, c.yaml);
      const { filters = {}, ...rest } = c.req ?? {};
      const res = await runEverywhere(def, TEST_SETS[def.dataset]!, {
        filters,
        ...rest,
        nowUs: c.now === 'wall' ? wallNowUs : SIM_NOW_US,
      });
      if (c.rows === 'none') expect(res.rows).toEqual([]);
      else if (c.rows !== 'any') expect(res.rows.length, c.name).toBeGreaterThan(0);
    });
});

describe('a restricted identity (row scope and field masks) sees the same rows on every engine', () => {
  // What secure() adds for a non-admin: a scope predicate (scope-sql.ts) and masked dimensions
  // (field-masks.ts), compiled into the same report on each engine.
  const masks = [
    { field: 'attrs.operator', mode: 'partial', salt: 's' },
    { field: 'component', mode: 'hash', salt: 'salt-0123456789' },
  ] as const;
  const identity: Identity = {
    user: 'analyst',
    roles: ['analyst'],
    scopeOf: (dataset) =>
      dataset === 'events'
        ? {
            all: false,
            anyOf: [
              [{ dimension: 'subsystem', op: 'in', values: ['console', 'alarm-server'] }],
              [
                { dimension: 'subsystem', op: 'in', values: ['sensors'] },
                { dimension: 'attrs.zone', op: 'not_in', values: ['east-1'] },
              ],
            ],
          }
        : { all: true },
    masksOf: (dataset) => (dataset === 'events' ? masks : []),
  };
  it('grouped by masked fields, filtered on one, counted distinct', async () => {
    const def = define(
      'scoped',
      `dataset: events\ndimensions: [subsystem, component, attrs.operator]\nmeasures: [events, { name: ops, agg: count_distinct, of: attrs.operator }]\nfilters: [{ id: q, kind: text, dimension: component }, { id: time, kind: time_range, dimension: ts, default: '${ALL_TIME}' }]`,
    );
    const req = { filters: { q: ['a'] }, nowUs: SIM_NOW_US, limit: 10_000 };
    const want = await runReport(duck.w, def, TEST_SETS.events!, req, identity);
    expect(new Set(want.rows.map((r) => r[0]))).toEqual(new Set(['console', 'alarm-server', 'sensors']));
    expect(want.rows.some((r) => typeof r[2] === 'string' && r[2].endsWith('***'))).toBe(true);
    for (const e of others)
      expectSame(`scoped on ${e.name}`, want, await runReport(e.w, def, TEST_SETS.events!, req, identity));
  });
});

describe('known engine differences (asserted, so they stay visible)', () => {
  const ODD = `filters: [{ id: q, kind: text, dimension: message }, { id: s, kind: multi_select, dimension: subsystem, default: [odd] }]`;

  it('text search: ClickHouse 18.16 does not fold İ to i nor the titlecase ǅ to ǆ (DuckDB does)', async () => {
    // positionCaseInsensitiveUTF8 (and lowerUTF8) only map characters whose other case has the
    // same UTF-8 length and a simple upper/lower pair; there is no other Unicode folding in 18.16.
    const def = define('odd-text', `dataset: events\ndimensions: [message]\nmeasures: [events]\n${ODD}`);
    for (const [q, message] of [
      ['istanbul', 'ΣΊΣΥΦΟΣ İstanbul ǅ'],
      ['ǆ', 'ΣΊΣΥΦΟΣ İstanbul ǅ'],
    ] as const) {
      const req = { filters: { q: [q] }, nowUs: SIM_NOW_US };
      expect((await runReport(duck.w, def, TEST_SETS.events!, req, UNRESTRICTED)).rows, q).toEqual([
        [message, 1],
      ]);
      for (const e of others)
        expect(
          (await runReport(e.w, def, TEST_SETS.events!, req, UNRESTRICTED)).rows,
          `${q} on ${e.name}`,
        ).toEqual([]);
    }
  });

  it('attribute text: nested objects and numbers from 1e21 are spelled differently, as the same JSON value', async () => {
    // ClickHouse returns a member's raw JSON text, in which jsonColumns.ts escapes nested names
    // (\u0061 for "a") so visitParam* only see top-level members; DuckDB re-serialises the value.
    const def = define(
      'odd-json',
      `dataset: events\ndimensions: [message, attrs.nested, attrs.big]\nmeasures: [events]\n${ODD}`,
    );
    const req = { filters: {}, nowUs: SIM_NOW_US };
    const want = (await runReport(duck.w, def, TEST_SETS.events!, req, UNRESTRICTED)).rows;
    expect(want.map((r) => r.slice(1, 3))).toContainEqual(['{"a":[1,"x"]}', null]);
    expect(want.map((r) => r.slice(1, 3))).toContainEqual([null, '1e21']);
    const parsed = (rows: Cell[][]) =>
      rows.map((r) => r.map((v, i) => ((i === 1 || i === 2) && v !== null ? JSON.parse(String(v)) : v)));
    for (const e of others) {
      const got = (await runReport(e.w, def, TEST_SETS.events!, req, UNRESTRICTED)).rows;
      expect(parsed(got), e.name).toEqual(parsed(want));
      expect(
        got.map((r) => r.slice(1, 3)),
        e.name,
      ).toContainEqual(['{"\\u0061":[1,"x"]}', null]);
      expect(
        got.map((r) => r.slice(1, 3)),
        e.name,
      ).toContainEqual([null, '1e+21']);
    }
  });
});
