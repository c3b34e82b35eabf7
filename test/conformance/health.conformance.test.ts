// Health processing gives the same time lines on every engine: a short demo world (a failover, a
// stalled console, a silent component, lost and garbled lines) ingested by the real demo pipelines
// into a real DuckDB file, copied into a private ClickHouse server and a two-shard ClickHouse
// cluster; the one processor (processHealth, which takes the engine's own evidence SQL and write
// path) computes the demo configuration's health on each, and the derived rows are compared
// exactly: health_transitions and health_conditions, then what the readers make of them (states
// at moments, history, availability, the availability report). On ClickHouse the live runner's
// windows and a reprocessed window must leave the same rows as one pass.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveTotals } from '../../src/api/live.ts';
import { createApp } from '../../src/api/server.ts';
import type { AttrValue } from '../../src/events/event.ts';
import { defineHealth, type HealthDef } from '../../src/process/health/definition.ts';
import { ensureHealthTables, eventSpanUs, processHealth } from '../../src/process/health/health-processor.ts';
import { availability, history, statesAt } from '../../src/process/health/health-queries.ts';
import { processedUntilUs, startHealthRunner } from '../../src/process/health/health-runner.ts';
import { type EvidenceWindow, evidenceSql } from '../../src/process/health/health-sql.ts';
import { clickhouseEvidenceSql } from '../../src/process/health/health-sql-clickhouse.ts';
import { builtinReports } from '../../src/reports/catalog.ts';
import { datasets } from '../../src/reports/datasets.ts';
import { runReport } from '../../src/reports/run.ts';
import { UNRESTRICTED } from '../../src/reports/secure.ts';
import { openWarehouse } from '../../src/warehouse/open.ts';
import { type Sql, sql } from '../../src/warehouse/sql.ts';
import { makeEvent } from '../../src/warehouse/testRows.ts';
import type { Warehouse } from '../../src/warehouse/warehouse.ts';
import { type EngineWorld, simulatedEngines } from '../support/engine-world.ts';
import type { SimulatedWarehouse } from '../support/simulated-warehouse.ts';

const START_US = Date.parse('2026-03-02T10:00:00Z') * 1000;

let sim: SimulatedWarehouse;
let def: HealthDef;
let span: { firstUs: number; lastUs: number };
let world: EngineWorld;
let engines: EngineWorld['engines'] = [];

beforeAll(async () => {
  world = await simulatedEngines(
    {
      seed: 5,
      durationMs: 12 * 60_000,
      ratePerSecond: 2,
      corruptRate: 0.02,
      lossRate: 0.05,
      scenarios: 'failover,console-stall:at=1m:for=90s,silent',
      start: new Date(START_US / 1000),
    },
    'health',
  );
  ({ sim, engines } = world);
  def = defineHealth(sim.config)!;
  span = (await eventSpanUs(sim.warehouse))!;
  await ensureHealthTables(sim.warehouse);
  await processHealth(sim.warehouse, def, {
    fromUs: span.firstUs,
    toUs: span.lastUs + 1,
    nowUs: span.lastUs,
  });
}, 180_000);

afterAll(async () => {
  await world?.close();
});

const TRANSITIONS = sql`select level, subsystem, component, state, from_us, to_us, reason, rule, caused_by,
  suppressed_by, case when flapping then 1 else 0 end as flapping
  from health_transitions order by level, subsystem, component, from_us`;
const CONDITIONS = sql`select scope, subsystem, component, rule, state, from_us, to_us, event_id
  from health_conditions order by scope, subsystem, component, rule, from_us`;

async function rows(w: Warehouse, q: Sql): Promise<string[]> {
  return (await w.query(q)).map((r) =>
    JSON.stringify(Object.values(r).map((v) => (v === null ? null : String(v)))),
  );
}

async function tables(w: Warehouse): Promise<{ transitions: string[]; conditions: string[] }> {
  return { transitions: await rows(w, TRANSITIONS), conditions: await rows(w, CONDITIONS) };
}

/** Empties the health logs: on the cluster the local tables of every shard (a Distributed table does not truncate). */
async function clear(e: { name: string; w: Warehouse }): Promise<void> {
  if (e.w !== engines[1]?.w) {
    await e.w.execute([
      sql`truncate table health_transitions_log`,
      sql`truncate table health_conditions_log`,
    ]);
    return;
  }
  for (const s of world.cluster.servers)
    for (const t of ['health_transitions_log_local', 'health_conditions_log_local']) {
      const res = await fetch(`${s.url}/?database=health`, { method: 'POST', body: `truncate table ${t}` });
      expect(res.ok, await res.text()).toBe(true);
    }
}

describe('health on ClickHouse', () => {
  it('computes the same transitions and conditions as DuckDB, and the same again on a rerun', async () => {
    const want = await tables(sim.warehouse);
    // The world has the states the comparison should cover.
    const states = new Set(want.transitions.map((r) => JSON.parse(r)[3]));
    expect([...states].sort()).toEqual(expect.arrayContaining(['degraded', 'failed', 'ok', 'stale']));
    const rules = new Set(want.conditions.map((r) => JSON.parse(r)[3]));
    expect([...rules].sort()).toEqual(expect.arrayContaining(['heartbeat', 'node-down', 'ui-stalled']));

    for (const e of engines) {
      expect(await processedUntilUs(e.w), `${e.name}: nothing processed yet`).toBeUndefined();
      await processHealth(e.w, def, { fromUs: span.firstUs, toUs: span.lastUs + 1, nowUs: span.lastUs });
      expect(await tables(e.w), e.name).toEqual(want);
      expect(await processedUntilUs(e.w), e.name).toBe(await processedUntilUs(sim.warehouse));
      // A window in the middle again: nothing is counted twice, nothing lost at its edges.
      await processHealth(e.w, def, { fromUs: START_US + 200e6, toUs: START_US + 500e6, nowUs: span.lastUs });
      expect(await tables(e.w), `${e.name} after reprocessing a window`).toEqual(want);
    }
  }, 240_000);

  it('the readers (states, history, availability, the availability report) answer the same', async () => {
    const all = await history(sim.warehouse, 0, Number.MAX_SAFE_INTEGER);
    const moments = [
      ...all.filter((r) => r.state !== 'ok').flatMap((r) => [r.fromUs!, r.toUs! - 1]),
      ...Array.from({ length: 12 }, (_, i) => span.firstUs + i * 61_000_001),
    ];
    const windows = [
      [span.firstUs, span.lastUs + 1],
      [START_US + 90e6, START_US + 330e6],
    ] as const;
    const answers = async (w: Warehouse) => ({
      states: await Promise.all(moments.map((at) => statesAt(w, def, at))),
      history: await history(w, 0, Number.MAX_SAFE_INTEGER),
      gateway: await history(w, START_US, START_US + 3600e6, {
        subsystems: ['gateway'],
        levels: ['component'],
      }),
      availability: await Promise.all(windows.map(([a, b]) => availability(w, def, a, b))),
    });
    const want = await answers(sim.warehouse);
    expect(want.history.some((r) => r.flapping || r.causedBy !== null)).toBe(true);
    const report = builtinReports(datasets([])).find((r) => r.id === 'availability-by-subsystem')!;
    const ds = datasets([]).availability!;
    const req = { filters: { time: ['2026-03-02T09:00:00Z..2026-03-02T11:00:00Z'] }, nowUs: span.lastUs };
    const wantReport = await runReport(sim.warehouse, report, ds, req, UNRESTRICTED);
    expect(wantReport.rows.length).toBeGreaterThan(3);
    for (const e of engines) {
      expect(await answers(e.w), e.name).toEqual(want);
      const got = await runReport(e.w, report, ds, req, UNRESTRICTED);
      expect(got.columns, e.name).toEqual(wantReport.columns);
      expect(got.rows.length, e.name).toBe(wantReport.rows.length);
      for (const [i, row] of got.rows.entries())
        for (const [j, cell] of row.entries()) {
          const x = wantReport.rows[i]![j];
          if (typeof cell === 'number' && typeof x === 'number') expect(cell, e.name).toBeCloseTo(x, 6);
          else expect(cell, e.name).toEqual(x);
        }
    }
  }, 120_000);

  it('the routes (/api/states, /api/states/history, /api/availability) answer the same', async () => {
    const iso = (us: number) => new Date(us / 1000).toISOString();
    const paths = [
      '/api/states',
      `/api/states?at=${iso(START_US + 200e6)}`,
      `/api/states?at=${iso(START_US + 300e6)}`,
      `/api/states/history?from=${iso(START_US - 60e6)}&to=${iso(START_US + 3600e6)}`,
      `/api/states/history?from=${iso(START_US)}&to=${iso(START_US + 3600e6)}&subsystem=gateway&level=component`,
      '/api/availability',
      `/api/availability?from=${iso(START_US + 60e6)}&to=${iso(START_US + 400e6)}`,
    ];
    const answers = async (w: Warehouse) => {
      const app = createApp({
        config: sim.config,
        warehouse: w,
        live: await LiveTotals.seed(w),
        health: def,
        version: 't',
      });
      const out: unknown[] = [];
      for (const path of paths) {
        const res = await app.request(path);
        expect(res.status, path).toBe(200);
        out.push(await res.json());
      }
      return out;
    };
    const want = await answers(sim.warehouse);
    expect(JSON.stringify(want)).toContain('"failed"');
    for (const e of engines) expect(await answers(e.w), e.name).toEqual(want);
  }, 120_000);

  it('the live runner, window by window, leaves the same rows as one pass', async () => {
    // Hindsight shorter than the runner's slices, so that it catches up slice by slice (with the
    // demo's 10 min it would start each run at now - hindsight in this 12 min world). Flapping
    // counts changes over a window longer than that hindsight, so windows would see fewer of them
    // than one pass (on every engine): off here, as in test/health.test.ts's short slices.
    const live: HealthDef = { ...def, hindsightUs: 60e6, flapping: undefined };
    await sim.warehouse.execute([sql`delete from health_transitions`, sql`delete from health_conditions`]);
    await processHealth(sim.warehouse, live, {
      fromUs: span.firstUs,
      toUs: span.lastUs + 1,
      nowUs: span.lastUs,
    });
    const want = await tables(sim.warehouse);
    for (const e of engines) {
      await clear(e);
      const runner = startHealthRunner(e.w, live, { intervalMs: 3_600_000, maxSliceUs: 100e6 });
      try {
        let runs = 0;
        for (; runs < 50; runs++) {
          await runner.runOnce();
          const last = runner.stats().last;
          if (last && last.toUs > span.lastUs) break;
        }
        expect(runner.stats().failures, `${e.name}: ${runner.stats().lastError}`).toBe(0);
        expect(runs, e.name).toBeGreaterThan(4);
      } finally {
        await runner.stop();
      }
      expect(await tables(e.w), e.name).toEqual(want);
    }
  }, 240_000);

  it('short slices carry open conditions over (lookback 80 s, slices of 40 s), as on DuckDB', async () => {
    const small: HealthDef = { ...def, lookbackUs: 80e6, hindsightUs: 80e6, flapping: undefined };
    const slices = async (w: Warehouse) => {
      for (let a = span.firstUs; a <= span.lastUs; a += 40e6)
        await processHealth(w, small, {
          fromUs: a,
          toUs: Math.min(a + 40e6, span.lastUs + 1),
          nowUs: span.lastUs,
        });
    };
    await sim.warehouse.execute([sql`delete from health_transitions`, sql`delete from health_conditions`]);
    await slices(sim.warehouse);
    const want = await tables(sim.warehouse);
    expect(want.conditions.length).toBeGreaterThan(3);
    const e = engines[1]!;
    await clear(e);
    await slices(e.w);
    expect(await tables(e.w), e.name).toEqual(want);
  }, 240_000);

  it('evidence at the edges: ties, touching and overlapping intervals, clipped backdating, carried conditions, undeclared components', async () => {
    const T = START_US + 7200e6;
    const at = (sec: number) => T + sec * 1e6;
    let n = 0;
    const ev = (
      sec: number,
      component: string,
      type: string,
      attrs: Record<string, AttrValue> = {},
      message = '',
    ) =>
      makeEvent(8_000_000 + n++, {
        ts: at(sec),
        subsystem: 'edge',
        component,
        type,
        attrs,
        message,
        keys: {},
      });
    const events = [
      ...[0, 1, 2, 3, 3, 4, 5, 6, 7, 8, 9, 10, 20, 21].map((t) => ev(t, 'c1', 'heartbeat')),
      ev(95, 'c4', 'heartbeat'),
      ev(5, 'c2', 'a.fail'),
      // A on c1: a recovery at the assertion's own time ends it at once; 20-30 held; 50 still holds.
      ev(10, 'c1', 'a.fail'),
      ev(10, 'c1', 'a.ok'),
      ev(20, 'c1', 'a.fail'),
      ev(25, 'c1', 'a.fail'),
      ev(30, 'c1', 'a.ok'),
      ev(30, 'c1', 'a.fail'),
      ev(50, 'c1', 'a.fail'),
      ev(15, 'c9', 'a.ok'),
      // B (for 5 s, since from an attribute): touching, overlapping, backdated, clipped, not a number.
      ...[0, 5, 20, 22].map((t) => ev(t, 'c1', 'b.warn')),
      ev(40, 'c1', 'b.warn', { ago: 3000 }),
      ev(60, 'c2', 'b.warn', { ago: 999_999_999 }),
      ev(70, 'c2', 'b.warn', { ago: 'x' }),
      // C (subsystem scope, for 0 s, since from the message).
      ev(45, 'c1', 'c.takeover', {}, 'silent 7 s'),
      ev(47, 'c1', 'c.takeover', {}, 'silent 1 s'),
      ev(80, 'c1', 'c.takeover', {}, 'no number'),
      // D (about a peer named in an attribute, message regex).
      ev(50, 'c1', 'd.peer', { peer: 'c7' }, 'peer c7 down'),
      ev(55, 'c1', 'd.peer', {}, 'peer c7 down'),
      ev(58, 'c2', 'd.peer', { peer: 'c7' }, 'peer c7 down again'),
      ev(59, 'c2', 'd.peer', { peer: 'c8' }, 'peer c8 up'),
    ];
    const edge: HealthDef = {
      ...def,
      rules: [
        {
          name: 'A',
          reason: 'a',
          match: { subsystem: 'edge', type: 'a.fail' },
          state: 'failed',
          scope: 'component',
        },
        {
          name: 'B',
          reason: 'b',
          match: { subsystem: 'edge', type: 'b.warn' },
          state: 'degraded',
          scope: 'component',
          since: { attr: 'ago', unitUs: 1000 },
          forUs: 5e6,
        },
        {
          name: 'C',
          reason: 'c',
          match: { type: 'c.takeover' },
          state: 'failed',
          scope: 'subsystem',
          since: { pattern: 'silent (\\d+) s', unitUs: 1e6 },
          forUs: 0,
        },
        {
          name: 'D',
          reason: 'd',
          match: { type: 'd.peer', message: 'peer .* down' },
          state: 'failed',
          scope: 'component',
          targetAttr: 'peer',
          forUs: 10e6,
        },
      ],
      recoveries: [{ name: 'R', match: { type: 'a.ok' }, scope: 'component', clears: ['A'] }],
      subsystems: {
        edge: {
          ...Object.values(def.subsystems)[0]!,
          name: 'edge',
          components: ['c1', 'c3'],
          dependsOn: [],
          heartbeat: { subsystem: 'edge', match: { type: 'heartbeat' }, everyUs: 1e6, staleAfterUs: 3e6 },
        },
      },
    };
    const duck = await openWarehouse({ type: 'duckdb', path: join(sim.dir, 'edges.duckdb') });
    const ch = await openWarehouse({ type: 'clickhouse', url: world.single.url, database: 'health_edges' });
    try {
      for (const w of [duck, ch]) await w.commit({ events, deadLetters: [], positions: [] });
      const windows: EvidenceWindow[] = [
        {
          loUs: at(-60),
          hiUs: at(120),
          observedFromUs: at(0),
          horizonUs: { edge: at(100) },
          maxSinceUs: 600e6,
          carried: [
            { rule: 'A', subsystem: 'edge', component: 'c9', fromUs: at(-100), eventId: null },
            { rule: 'B', subsystem: 'edge', component: 'c1', fromUs: at(-70), eventId: 'old' },
            { rule: 'heartbeat', subsystem: 'edge', component: 'c3', fromUs: at(-30), eventId: null },
          ],
        },
        { loUs: at(21), hiUs: at(58), observedFromUs: at(0), horizonUs: {}, maxSinceUs: 10e6, carried: [] },
      ];
      const evidence = async (w: Warehouse, x: EvidenceWindow) =>
        (
          await w.query(
            w.dialect === 'clickhouse'
              ? clickhouseEvidenceSql(w.sqlDialect, edge, x)
              : evidenceSql(w.sqlDialect, edge, x),
          )
        )
          .map((r) =>
            JSON.stringify(
              [r.rule, r.component, r.from_us, r.to_us, r.event_id].map((v) =>
                v === null ? null : String(v),
              ),
            ),
          )
          .sort();
      for (const x of windows) {
        const want = await evidence(duck, x);
        expect(want.length).toBeGreaterThan(5);
        expect(await evidence(ch, x), `window from ${x.loUs}`).toEqual(want);
      }
    } finally {
      await duck.close();
      await ch.close();
    }
  }, 120_000);
});
