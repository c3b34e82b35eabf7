// Flow processing gives the same alerts on every engine: a short demo world (with a failover, a
// stalled console, lost and garbled lines) ingested by the real demo pipelines into a real DuckDB
// file, copied into a private ClickHouse server and a two-shard ClickHouse cluster; DuckDB's
// processor (processFlow, what `mortar reprocess` runs) and ClickHouse's (processFlowClickHouse,
// what the live runner runs there) each compute every flow over the whole window, and the
// derived rows are compared exactly: alerts (state, latency, missing step, gaps), steps and hops.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineFlows, type FlowDef } from '../../src/process/flows/definition.ts';
import { processFlowClickHouse } from '../../src/process/flows/flow-clickhouse.ts';
import { ensureFlowTables, processFlow } from '../../src/process/flows/flow-processor.ts';
import { type Sql, sql } from '../../src/warehouse/sql.ts';
import type { Warehouse } from '../../src/warehouse/warehouse.ts';
import {
  type EngineWorld,
  engineApps,
  expectSameAnswers,
  simulatedEngines,
} from '../support/engine-world.ts';
import type { SimulatedWarehouse } from '../support/simulated-warehouse.ts';

const START_US = Date.parse('2026-03-02T10:00:00Z') * 1000;
const OPTS = { idleUs: 60e6, skewUs: 60e6 };

let sim: SimulatedWarehouse;
let flows: FlowDef[];
let world: EngineWorld;
let engines: EngineWorld['engines'] = [];

beforeAll(async () => {
  world = await simulatedEngines(
    {
      seed: 11,
      durationMs: 10 * 60_000,
      ratePerSecond: 2,
      corruptRate: 0.02,
      lossRate: 0.05,
      scenarios: 'failover,console-stall:at=1m:for=90s',
      start: new Date(START_US / 1000),
    },
    'flows',
  );
  ({ sim, engines } = world);
  flows = defineFlows(sim.config);
}, 180_000);

afterAll(async () => {
  await world?.close();
});

const ALERTS = sql`select flow, root, root_us, state, e2e_us, missing, gaps from flow_alerts order by flow, root`;
const STEPS = sql`select flow, root, root_us, step, step_index, t_us, component, event_id from flow_steps order by flow, root, step_index`;
const HOPS = sql`select flow, root, root_us, from_step, to_step, from_component, to_component, latency_us, sla_us,
  case when breach then 1 else 0 end as breach from flow_hops order by flow, root, to_step`;

async function rows(w: Warehouse, q: Sql): Promise<string[]> {
  return (await w.query(q)).map((r) =>
    JSON.stringify(Object.values(r).map((v) => (v === null ? null : String(v)))),
  );
}

describe('flows on ClickHouse', () => {
  it('computes the same alerts, steps and hops as DuckDB, and the same again on a rerun', async () => {
    expect(flows.length).toBeGreaterThan(0);
    const [span] = await sim.warehouse.query(
      sql`select min(epoch_us(ts)) as lo, max(epoch_us(ts)) as hi from events where subsystem != 'odd'`,
    );
    const lo = Number(span!.lo);
    const hi = Number(span!.hi);
    await ensureFlowTables(sim.warehouse);
    for (const flow of flows)
      await processFlow(sim.warehouse, flow, { fromUs: lo, toUs: hi + 1, nowUs: hi, ...OPTS });
    const want = {
      alerts: await rows(sim.warehouse, ALERTS),
      steps: await rows(sim.warehouse, STEPS),
      hops: await rows(sim.warehouse, HOPS),
    };
    // The world has every state the comparison should cover.
    const states = new Set(want.alerts.map((r) => JSON.parse(r)[3]));
    expect([...states].sort()).toEqual(expect.arrayContaining(['complete', 'lost']));
    expect(want.hops.length).toBeGreaterThan(100);

    for (const e of engines) {
      // First pass: the whole history at once.
      for (const flow of flows) {
        const r = await processFlowClickHouse(e.w, flow, { ...OPTS, sliceUs: 24 * 3600e6 });
        expect(r, e.name).toBeDefined();
        expect({ from: r!.fromUs, to: r!.toUs }, e.name).toEqual({ from: lo, to: hi + 1 });
      }
      expect(await rows(e.w, ALERTS), `${e.name}: alerts`).toEqual(want.alerts);
      expect(await rows(e.w, STEPS), `${e.name}: steps`).toEqual(want.steps);
      expect(await rows(e.w, HOPS), `${e.name}: hops`).toEqual(want.hops);
      // Again (a restart re-reads the open window): nothing is counted twice.
      for (const flow of flows) await processFlowClickHouse(e.w, flow, OPTS);
      expect(await rows(e.w, ALERTS), `${e.name}: alerts after a rerun`).toEqual(want.alerts);
      expect(await rows(e.w, HOPS), `${e.name}: hops after a rerun`).toEqual(want.hops);
    }
  }, 240_000);

  it('catches up history in slices with the same result', async () => {
    const e = engines[0]!;
    await e.w.execute([
      sql`truncate table flow_progress_log`,
      sql`truncate table flow_alerts_log`,
      sql`truncate table flow_steps_log`,
      sql`truncate table flow_hops_log`,
    ]);
    let runs = 0;
    for (const flow of flows) {
      for (let i = 0; i < 100; i++) {
        const r = await processFlowClickHouse(e.w, flow, { ...OPTS, sliceUs: 20e6 });
        runs++;
        if (!r?.behind) break;
      }
    }
    expect(runs).toBeGreaterThan(flows.length * 3);
    expect(runs).toBeLessThan(flows.length * 100);
    expect(await rows(e.w, ALERTS)).toEqual(await rows(sim.warehouse, ALERTS));
    expect(await rows(e.w, HOPS)).toEqual(await rows(sim.warehouse, HOPS));
  }, 240_000);

  it('serves the same flow, alert and topology answers from every engine', async () => {
    const apps = await engineApps(world, { flows });
    const range = `from=${new Date(START_US / 1000 - 60_000).toISOString()}&to=${new Date(START_US / 1000 + 3600_000).toISOString()}`;
    const flow = flows[0]!.name;
    const lost = (await apps[0]!.get(`/api/flows/${flow}/alerts?${range}&state=lost&limit=5`)) as {
      rows: { root: string }[];
    };
    expect(lost.rows.length).toBeGreaterThan(0);
    const paths = [
      `/api/flows?${range}`,
      `/api/flows/${flow}/hops?${range}`,
      `/api/flows/${flow}/alerts?${range}&limit=20`,
      `/api/flows/${flow}/alerts?${range}&state=lost,stuck&limit=20`,
      `/api/flows/${flow}/alerts/${encodeURIComponent(lost.rows[0]!.root)}`,
      `/api/topology?${range}`,
    ];
    // Not vacuous: DuckDB's answers carry hops and observed edges.
    const hops = (await apps[0]!.get(paths[1]!)) as { hops: { count: number }[] };
    expect(hops.hops.length).toBeGreaterThan(3);
    const topo = (await apps[0]!.get(paths[5]!)) as { edges: { observed: boolean; count: number }[] };
    expect(topo.edges.filter((e) => e.observed && e.count > 0).length).toBeGreaterThan(3);
    await expectSameAnswers(apps, paths);
  }, 120_000);
});
