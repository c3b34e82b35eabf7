// Flow processing scored against the simulator's ground truth: every alarm linked end to end,
// per-hop latency equal to the truth to the microsecond, lost alarms found with precision and
// recall 1.0 and at the right hop, and reprocessing a window changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../src/config/load.ts';
import { defineFlows, type FlowDef } from '../src/process/flows/definition.ts';
import { ensureFlowTables, newestEventUs, processFlow } from '../src/process/flows/flow-processor.ts';
import { topology } from '../src/process/topology/topology.ts';
import { sql } from '../src/warehouse/sql.ts';
import type { Warehouse } from '../src/warehouse/warehouse.ts';
import { DEMO_STEP_OF, isoUs, simulatedWarehouse } from './support/simulated-warehouse.ts';

interface TruthStep {
  subsystem: string;
  component: string;
  step: string;
  ts: string;
}
interface TruthAlarm {
  kind: 'alarm';
  alarm_ref: string;
  alarm_id: string | null;
  steps: TruthStep[];
  lost_at: string | null;
  status: string;
}

const START = Date.parse('2026-01-01T00:00:00Z') * 1000;
const STEP_OF = DEMO_STEP_OF;
const HOP_OF_LOSS: Record<string, string> = {
  gateway: 'gateway',
  'alarm-server': 'raised',
  video: 'video',
  console: 'displayed',
};

let warehouse: Warehouse;
let config: Config;
let flow: FlowDef;
let truth: TruthAlarm[];
let endUs: number;

beforeAll(async () => {
  const sim = await simulatedWarehouse(
    { seed: 11, durationMs: 30 * 60_000, ratePerSecond: 2, corruptRate: 0, start: new Date(START / 1000) },
    'mortar-flows-',
  );
  ({ warehouse, config } = sim);
  truth = sim.truth<TruthAlarm>('alarm');
  [flow] = defineFlows(config) as [FlowDef];
  await ensureFlowTables(warehouse);
  endUs = (await newestEventUs(warehouse))!;
  await processFlow(warehouse, flow, {
    fromUs: START,
    toUs: endUs + 1,
    nowUs: endUs,
    idleUs: 60e6,
    skewUs: 60e6,
  });
}, 240_000);

afterAll(async () => {
  await warehouse?.close();
});

async function rows(q: ReturnType<typeof sql>) {
  return warehouse.query(q);
}

describe('alarm flow against the ground truth', () => {
  it('links every alarm: the same steps, components and times as the truth', async () => {
    const steps = await rows(sql`select root, step, t_us, component from flow_steps where flow = 'alarm'`);
    const got = new Map<string, string>();
    for (const r of steps) got.set(`${r.root}|${r.step}`, `${r.t_us}|${r.component}`);
    let expected = 0;
    for (const a of truth) {
      for (const s of a.steps) {
        const step = STEP_OF[s.step];
        if (!step) continue;
        expected++;
        expect(got.get(`${a.alarm_ref}|${step}`), `${a.alarm_ref} ${step}`).toBe(
          `${isoUs(s.ts)}|${s.component}`,
        );
      }
    }
    expect(steps.length).toBe(expected);
    const alerts = await rows(sql`select count(*) as n from flow_alerts where flow = 'alarm'`);
    expect(Number(alerts[0]!.n)).toBe(truth.length);
  });

  it('per-hop latency equals the truth to the microsecond', async () => {
    const hops = await rows(
      sql`select root, from_step, to_step, latency_us from flow_hops where flow = 'alarm'`,
    );
    const byRoot = new Map(
      truth.map((a) => [a.alarm_ref, new Map(a.steps.map((s) => [STEP_OF[s.step], isoUs(s.ts)]))]),
    );
    expect(hops.length).toBeGreaterThan(truth.length * 5);
    for (const h of hops) {
      const times = byRoot.get(String(h.root))!;
      expect(Number(h.latency_us)).toBe(times.get(String(h.to_step))! - times.get(String(h.from_step))!);
    }
  });

  it('finds the lost alarms (precision and recall 1.0) at the hop where they were lost', async () => {
    const horizonUs = flow.horizonUs;
    // Only alarms whose horizon has passed by the end of the data can be called lost.
    const decidable = truth.filter((a) => isoUs(a.steps[0]!.ts) + horizonUs <= endUs);
    const lostTruth = new Map(
      decidable.filter((a) => a.lost_at).map((a) => [a.alarm_ref, HOP_OF_LOSS[a.lost_at!]]),
    );
    const lost = await rows(
      sql`select root, missing from flow_alerts where flow = 'alarm' and state = 'lost'`,
    );
    const lostGot = new Map(lost.map((r) => [String(r.root), String(r.missing)]));
    expect(lostTruth.size).toBeGreaterThan(5);
    expect(lostGot).toEqual(lostTruth);
  });

  it('topology: the observed edges are the true ones, all declared; component edges match the truth', async () => {
    const topo = await topology(warehouse, config, [flow], START, endUs + 1);
    expect(topo.edges.map((e) => `${e.from}>${e.to}:${e.status}`)).toEqual([
      'alarm-server>console:ok',
      'alarm-server>video:ok',
      'console>alarm-server:ok',
      'gateway>alarm-server:ok',
      'sensors>gateway:ok',
    ]);
    const parentOf = new Map(
      flow.steps.filter((st) => st.parent !== undefined).map((st) => [st.name, flow.steps[st.parent!]!.name]),
    );
    const truePairs = new Set<string>();
    for (const a of truth) {
      const at = new Map(a.steps.filter((x) => STEP_OF[x.step]).map((x) => [STEP_OF[x.step]!, x]));
      for (const [step, s] of at) {
        const p = at.get(parentOf.get(step) ?? '');
        if (p && p.subsystem !== s.subsystem) truePairs.add(`${p.component}>${s.component}`);
      }
    }
    expect(new Set(topo.componentEdges.map((e) => `${e.from}>${e.to}`))).toEqual(truePairs);
    const lostEdges = topo.edges.reduce((a, e) => a + e.lost, 0);
    const lostAlerts = await rows(sql`select count(*) as n from flow_alerts where state = 'lost'`);
    expect(lostEdges).toBe(Number(lostAlerts[0]!.n));
  });

  it('reprocessing the same window leaves the derived tables unchanged', async () => {
    const snapshot = async () =>
      (
        await rows(
          sql`select state, count(*) as n, sum(coalesce(e2e_us, 0)) as e from flow_alerts group by state order by state`,
        )
      ).map((r) => `${r.state}:${r.n}:${r.e}`);
    const before = await snapshot();
    await processFlow(warehouse, flow, {
      fromUs: START,
      toUs: endUs + 1,
      nowUs: endUs,
      idleUs: 60e6,
      skewUs: 60e6,
    });
    await processFlow(warehouse, flow, {
      fromUs: START + 600e6,
      toUs: START + 1200e6,
      nowUs: endUs,
      idleUs: 60e6,
      skewUs: 60e6,
    });
    expect(await snapshot()).toEqual(before);
  });
});
