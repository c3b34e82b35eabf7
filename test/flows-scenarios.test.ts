// The alarm flow scored against the simulator's truth with every fault at once (HA failover,
// storm, stalled console, skewed sensor clock, silent sensor, garbled lines, rotation in a burst):
// every linkable alarm linked with exactly the logged step times, stuck and lost alarms found with
// precision and recall 1.0, and the skewed sensor's hops reported as negative (clock-skew evidence).
// "Linkable" and "observable" exclude only what no log reader could know (TRUTH.md): an alarm whose
// sole bridging line (alarm.raised: alarm_ref -> alarm_id) was garbled or never written, and, for
// outcomes, alarms with any garbled or unwritten step.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineFlows, type FlowDef } from '../src/process/flows/definition.ts';
import { ensureFlowTables, newestEventUs, processFlow } from '../src/process/flows/flow-processor.ts';
import { sql } from '../src/warehouse/sql.ts';
import type { Warehouse } from '../src/warehouse/warehouse.ts';
import { DEMO_STEP_OF, isoUs, simulatedWarehouse } from './support/simulated-warehouse.ts';

interface Step {
  step: string;
  component: string;
  ts: string;
  corrupt?: boolean;
  unlogged?: boolean;
}
interface Alarm {
  alarm_ref: string;
  steps: Step[];
  outcome: 'complete' | 'in_flight' | 'stuck' | 'lost';
  stuck_from: string | null;
  lost_from: string | null;
}

const START = Date.parse('2026-01-01T00:00:00Z') * 1000;
const SCENARIOS = 'failover,storm,console-stall,clock-skew,silent,corrupt,rotation-burst';
const STEP_OF = DEMO_STEP_OF;
const hidden = (s: Step) => Boolean(s.corrupt || s.unlogged);

let warehouse: Warehouse;
let flow: FlowDef;
let alarms: Alarm[];
let endUs: number;

beforeAll(async () => {
  const sim = await simulatedWarehouse(
    {
      seed: 5,
      durationMs: 40 * 60_000,
      ratePerSecond: 2,
      start: new Date(START / 1000),
      scenarios: SCENARIOS,
    },
    'mortar-scenarios-',
  );
  warehouse = sim.warehouse;
  alarms = sim.truth<Alarm>('alarm');
  [flow] = defineFlows(sim.config) as [FlowDef];
  await ensureFlowTables(warehouse);
  endUs = (await newestEventUs(warehouse))!;
  await processFlow(warehouse, flow, {
    fromUs: START - 60e6,
    toUs: endUs + 1,
    nowUs: endUs,
    idleUs: 60e6,
    skewUs: 60e6,
  });
}, 300_000);

afterAll(async () => {
  await warehouse?.close();
});

describe(`alarm flow under ${SCENARIOS}`, () => {
  it('links every linkable alarm with exactly the logged step times and components', async () => {
    const got = new Map<string, string>();
    for (const r of await warehouse.query(sql`select root, step, t_us, component from flow_steps`)) {
      got.set(`${r.root}|${r.step}`, `${r.t_us}|${r.component}`);
    }
    const linkable = alarms.filter((a) => !a.steps.some((s) => s.step === 'alarm.raised' && hidden(s)));
    const wrong = linkable.filter((a) =>
      a.steps.some(
        (s) =>
          STEP_OF[s.step] &&
          !hidden(s) &&
          got.get(`${a.alarm_ref}|${STEP_OF[s.step]}`) !== `${isoUs(s.ts)}|${s.component}`,
      ),
    );
    expect(linkable.length).toBeGreaterThan(9000);
    expect(alarms.length - linkable.length).toBeLessThan(alarms.length * 0.01);
    expect(wrong.map((a) => a.alarm_ref)).toEqual([]);
    // Alarms whose first line is missing (silent or garbled sensor) are still tracked from their first seen step.
    const rootless = linkable.filter(
      (a) => hidden(a.steps[0]!) && a.steps.some((x) => STEP_OF[x.step] && !hidden(x)),
    );
    expect(rootless.length).toBeGreaterThan(50);
    const roots = new Set(
      (await warehouse.query(sql`select root from flow_alerts`)).map((r) => String(r.root)),
    );
    expect(rootless.filter((a) => !roots.has(a.alarm_ref))).toEqual([]);
  });

  it('finds stuck and lost alarms with precision and recall 1.0', async () => {
    const observable = alarms.filter((a) => !a.steps.some(hidden));
    const refs = new Set(observable.map((a) => a.alarm_ref));
    const margin = 3e6; // thresholds this close to the end of the data are ambiguous (skew, rounding)
    const clear = (a: Alarm) =>
      [a.stuck_from, a.lost_from].every((x) => x === null || Math.abs(isoUs(x) - endUs) > margin);
    const want = (state: 'stuck' | 'lost') =>
      new Set(
        observable
          .filter(clear)
          .filter(
            (a) => a.outcome !== 'complete' && a[state === 'lost' ? 'lost_from' : 'stuck_from'] !== null,
          )
          .filter((a) =>
            state === 'lost'
              ? isoUs(a.lost_from!) <= endUs
              : isoUs(a.stuck_from!) <= endUs && isoUs(a.lost_from!) > endUs,
          )
          .map((a) => a.alarm_ref),
      );
    const got = async (state: string) =>
      new Set(
        (await warehouse.query(sql`select root from flow_alerts where state = ${state}`))
          .map((r) => String(r.root))
          .filter((r) => refs.has(r) && clear(observable.find((a) => a.alarm_ref === r)!)),
      );
    const lost = want('lost');
    expect(lost.size).toBeGreaterThan(500); // the stalled console loses every alarm it should show
    expect(await got('lost')).toEqual(lost);
    expect(await got('stuck')).toEqual(want('stuck'));
  });

  it('reports the skewed sensor clock as negative hops into the gateway', async () => {
    const rows = await warehouse.query(
      sql`select from_component, count(*) as n, sum(case when latency_us < 0 then 1 else 0 end) as neg
        from flow_hops where from_step = 'sensor' group by from_component order by from_component`,
    );
    const byComponent = Object.fromEntries(
      rows.map((r) => [String(r.from_component), [Number(r.n), Number(r.neg)] as [number, number]]),
    );
    // Only hops slower than the skew itself (a gateway failover holds alarms for seconds) stay positive.
    expect(byComponent['sc-02']![1]).toBeGreaterThan(byComponent['sc-02']![0] * 0.95);
    for (const [c, [, neg]] of Object.entries(byComponent)) if (c !== 'sc-02') expect(neg).toBe(0);
  });
});
