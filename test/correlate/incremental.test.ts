// Incremental flow processing against one pass over everything, on a simulated world with a
// stalled console and a sensor clock 2.5 s ahead (corrected by configuration): the events are fed
// into the warehouse in chunks in an order that puts the console 90 s late and the alarm server's
// bridging lines after the lines that need them; a run after each chunk. At the end the flow
// tables equal the batch result row for row; a run that fails half-way changes nothing; reading
// everything again does not double count; and the corrected hop latencies equal the truth.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { correctedUs } from '../../src/process/flows/clock.ts';
import { defineFlows, type FlowDef } from '../../src/process/flows/definition.ts';
import { processIncrement } from '../../src/process/flows/flow-incremental.ts';
import { ensureFlowTables, processFlow } from '../../src/process/flows/flow-processor.ts';
import { type Sql, sql } from '../../src/warehouse/sql.ts';
import type { Warehouse } from '../../src/warehouse/warehouse.ts';
import { isoUs, simulatedWarehouse } from '../support/simulated-warehouse.ts';
import { clearFlowState } from './flow-state.ts';

const START = Date.parse('2026-01-01T00:00:00Z') * 1000;
const OPTS = { idleUs: 60e6, skewUs: 60e6 };
const CHUNK_US = 40e6;

interface TruthStep {
  step: string;
  component: string;
  true_ts: string;
  corrupt?: boolean;
  unlogged?: boolean;
}

let warehouse: Warehouse;
let flow: FlowDef;
let truth: { alarm_ref: string; steps: TruthStep[] }[];
let reference: Record<string, string[]>;
let runs = 0;

const TABLES: Record<string, Sql> = {
  alerts: sql`select root, root_us, state, e2e_us, missing, gaps from flow_alerts order by root`,
  steps: sql`select root, root_us, step, t_us, component, event_id from flow_steps order by root, step`,
  hops: sql`select root, from_step, to_step, from_component, to_component, latency_us, breach from flow_hops order by root, from_step, to_step`,
};

async function snapshot(): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const [name, q] of Object.entries(TABLES))
    out[name] = (await warehouse.query(q)).map((r) => JSON.stringify(Object.values(r)));
  return out;
}

async function clearDerived() {
  await warehouse.execute(clearFlowState());
}

beforeAll(async () => {
  const sim = await simulatedWarehouse(
    {
      seed: 7,
      durationMs: 7 * 60_000,
      ratePerSecond: 3,
      corruptRate: 0,
      start: new Date(START / 1000),
      scenarios: 'clock-skew,console-stall:at=30s:for=2m',
    },
    'mortar-incremental-',
  );
  warehouse = sim.warehouse;
  truth = sim.truth('alarm');
  sim.config.subsystems.sensors!.clock = { offset_ms: 0, components: { 'sc-02': -2500 } };
  [flow] = defineFlows(sim.config) as [FlowDef];
  await ensureFlowTables(warehouse);

  // The reference: one pass over everything.
  const [end] = await warehouse.query(
    sql`select max(${correctedUs(warehouse.sqlDialect, flow.clock)}) as t from events`,
  );
  const endUs = Number(end!.t);
  await processFlow(warehouse, flow, { ...OPTS, fromUs: START - 60e6, toUs: endUs + 10e6, nowUs: endUs });
  reference = await snapshot();
  await clearDerived();

  // Arrival order: by event time, but the console 90 s late and the alarm server's raised lines
  // (the only ones carrying both ids) 30 s after the lines keyed by the id they bridge to.
  await warehouse.execute([
    sql`create table all_events as select * from events`,
    sql`delete from events`,
    sql`create table arrivals as select id, epoch_us(ts) + case
        when subsystem = 'console' then 90000000
        when type = 'alarm.raised' then 30000000 else 0 end as arrive_us from all_events`,
  ]);
  const [span] = await warehouse.query(sql`select min(arrive_us) as a, max(arrive_us) as b from arrivals`);
  for (let t = Number(span!.a); t <= Number(span!.b); t += CHUNK_US) {
    await warehouse.execute([
      sql`insert into events select e.* replace (${sql.ts(t)} as received_at)
        from all_events as e join arrivals as a using (id) where a.arrive_us >= ${t} and a.arrive_us < ${t + CHUNK_US}`,
    ]);
    await processIncrement(warehouse, flow, OPTS);
    runs++;
  }
}, 240_000);

afterAll(async () => {
  await warehouse?.close();
});

describe('incremental flow processing', () => {
  it('ends with the same alerts, steps and hops as one pass over everything', async () => {
    expect(runs).toBeGreaterThan(10);
    const got = await snapshot();
    expect(reference.alerts!.length).toBeGreaterThan(1000);
    expect(reference.alerts!.some((r) => r.includes('"lost"'))).toBe(true);
    for (const name of Object.keys(TABLES))
      expect({ name, rows: got[name] }).toEqual({ name, rows: reference[name] });
    const [p] = await warehouse.query(sql`select count(*) as n from flow_pending`);
    expect(Number(p!.n)).toBe(0);
  });

  it('a run that fails half-way leaves nothing behind; the next one catches up', async () => {
    await warehouse.execute([
      sql`update flow_progress set received_us = received_us - 120000000`,
      sql`alter table flow_hops rename to flow_hops_away`,
    ]);
    const before = await warehouse.query(sql`select * from flow_progress`);
    await expect(processIncrement(warehouse, flow, OPTS)).rejects.toThrow();
    expect(await warehouse.query(sql`select * from flow_progress`)).toEqual(before);
    await warehouse.execute([sql`alter table flow_hops_away rename to flow_hops`]);
    await processIncrement(warehouse, flow, OPTS);
    expect(await snapshot()).toEqual(reference);
  });

  it('reading every event again does not double count', async () => {
    await warehouse.execute([sql`delete from flow_progress`]);
    await processIncrement(warehouse, flow, OPTS);
    expect(await snapshot()).toEqual(reference);
  });

  it('with a small budget per run, puts the rest off (counted) and ends the same', async () => {
    await clearDerived();
    let runsNow = 0;
    let last = 0;
    for (;;) {
      const r = await processIncrement(warehouse, flow, { ...OPTS, maxEvents: 3000 });
      runsNow++;
      if (r.deferred === last) break;
      last = r.deferred;
    }
    expect(last).toBeGreaterThanOrEqual(3);
    expect(runsNow).toBe(last + 1);
    expect(await snapshot()).toEqual(reference);
  });

  it('after the clock correction, every hop latency equals the truth within the 1 ms timestamp resolution', async () => {
    const hops = new Map<string, number>();
    for (const r of await warehouse.query(sql`select root, from_step, to_step, latency_us from flow_hops`))
      hops.set(`${r.root}|${r.from_step}|${r.to_step}`, Number(r.latency_us));
    const STEP: Record<string, string> = {
      'sensor.alarm': 'sensor',
      'gateway.forwarded': 'gateway',
      'alarm.raised': 'raised',
    };
    let checked = 0;
    let skewed = 0;
    const off: string[] = [];
    for (const a of truth) {
      const [s, g, r] = ['sensor.alarm', 'gateway.forwarded', 'alarm.raised'].map((x) =>
        a.steps.find((st) => st.step === x && !st.corrupt && !st.unlogged),
      );
      for (const [from, to] of [
        [s, g],
        [g, r],
      ] as const) {
        if (!from || !to) continue;
        const got = hops.get(`${a.alarm_ref}|${STEP[from.step]}|${STEP[to.step]}`);
        if (got === undefined) continue;
        checked++;
        if (from.component === 'sc-02') skewed++;
        const want = isoUs(to.true_ts) - isoUs(from.true_ts);
        if (Math.abs(got - want) >= 1000) off.push(`${a.alarm_ref} ${from.step}: ${got} vs ${want}`);
      }
    }
    expect(checked).toBeGreaterThan(1200);
    expect(skewed).toBeGreaterThan(100);
    expect(off).toEqual([]);
    const [neg] = await warehouse.query(sql`select count(*) as n from flow_hops where latency_us < 0`);
    expect(Number(neg!.n)).toBe(0);
  });
});
