// A batch committed long after its lines were read: the live flow runner follows new events by
// received_at (stamped at read time) and re-reads a margin behind its last position. A batch held
// up (a slow commit, a stalled warehouse) lands after newer ones have been processed; its steps must
// still be linked. A simulated world in a real DuckDB file is committed again through the
// warehouse's own commit in three batches: the first two minutes but the console's second, then,
// 5 s later, the rest of the world, then that console minute with the received_at it was read at
// before the rest. After a runner pass per batch, the flow tables must equal one pass over
// everything (with the runner's former fixed 3 s margin the console minute was passed over).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MortarEvent } from '../../src/events/event.ts';
import { correctedUs } from '../../src/process/flows/clock.ts';
import { defineFlows, type FlowDef } from '../../src/process/flows/definition.ts';
import { processIncrement } from '../../src/process/flows/flow-incremental.ts';
import { ensureFlowTables, processFlow } from '../../src/process/flows/flow-processor.ts';
import { startFlowRunner } from '../../src/process/flows/flow-runner.ts';
import { type Sql, sql } from '../../src/warehouse/sql.ts';
import type { Warehouse } from '../../src/warehouse/warehouse.ts';
import { simulatedWarehouse } from '../support/simulated-warehouse.ts';
import { clearFlowState } from './flow-state.ts';

const START = Date.parse('2026-01-01T00:00:00Z') * 1000;
const OPTS = { idleUs: 60e6, skewUs: 60e6 };

let warehouse: Warehouse;
let flow: FlowDef;

const TABLES: Record<string, Sql> = {
  alerts: sql`select root, root_us, state, e2e_us, missing, gaps from flow_alerts order by root`,
  steps: sql`select root, root_us, step, t_us, component, event_id from flow_steps order by root, step`,
  hops: sql`select root, from_step, to_step, latency_us from flow_hops order by root, from_step, to_step`,
};
const snapshot = async () => {
  const out: Record<string, string[]> = {};
  for (const [name, q] of Object.entries(TABLES))
    out[name] = (await warehouse.query(q)).map((r) => JSON.stringify(Object.values(r)));
  return out;
};

beforeAll(async () => {
  const sim = await simulatedWarehouse(
    { seed: 11, durationMs: 3 * 60_000, ratePerSecond: 3, corruptRate: 0, start: new Date(START / 1000) },
    'mortar-late-commit-',
  );
  warehouse = sim.warehouse;
  [flow] = defineFlows(sim.config) as [FlowDef];
  await ensureFlowTables(warehouse);
}, 240_000);

afterAll(async () => {
  await warehouse?.close();
});

/** An empty events table and no flow state. */
const reset = () => warehouse.execute([sql`delete from events`, ...clearFlowState()]);

describe('a batch committed long after it was read', () => {
  it('is still linked by the live runner: the flow tables equal one pass over everything', async () => {
    const all: MortarEvent[] = [];
    for (let offset = 0; ; offset += 10_000) {
      const page = await warehouse.events({ limit: 10_000, offset });
      all.push(...page.rows);
      if (page.rows.length < 10_000) break;
    }
    expect(all.length).toBeGreaterThan(1000);
    const [end] = await warehouse.query(
      sql`select max(${correctedUs(warehouse.sqlDialect, flow.clock)}) as t from events`,
    );
    const endUs = Number(end!.t);
    await processFlow(warehouse, flow, { ...OPTS, fromUs: START - 60e6, toUs: endUs + 10e6, nowUs: endUs });
    const reference = await snapshot();
    expect(reference.alerts!.length).toBeGreaterThan(100);

    await reset();
    const held = (e: MortarEvent) =>
      e.subsystem === 'console' && e.ts >= START + 60e6 && e.ts < START + 120e6;
    const late = all.filter(held);
    const early = all.filter((e) => !held(e) && e.ts < START + 120e6);
    const rest = all.filter((e) => !held(e) && e.ts >= START + 120e6);
    expect(late.length).toBeGreaterThan(20);

    const runner = startFlowRunner(warehouse, [flow], { intervalMs: 3_600_000 });
    try {
      const commit = (events: MortarEvent[], receivedAt: number) =>
        warehouse.commit({
          events: events.map((e) => ({ ...e, receivedAt })),
          deadLetters: [],
          positions: [],
        });
      const nowUs = () => Date.now() * 1000;
      await commit(early, nowUs());
      await runner.runOnce();
      // the console minute is read now and held up; the rest of the world, read 5 s later, is
      // committed and processed first
      const lateRead = nowUs();
      await new Promise((r) => setTimeout(r, 5_000));
      await commit(rest, nowUs());
      await runner.runOnce();
      await commit(late, lateRead);
      expect(warehouse.commitDelayUs!()).toBeGreaterThan(5e6);
      await runner.runOnce();
      expect(runner.stats().failures).toBe(0);
    } finally {
      await runner.stop();
    }
    const got = await snapshot();
    for (const name of Object.keys(TABLES))
      expect({ name, rows: got[name] }).toEqual({ name, rows: reference[name] });
  }, 120_000);

  // The widened margin re-reads what was committed late, but a margin holding more than half of
  // what one run may read could cut the run below its last position; such a run keeps 3 s.
  it('re-reads a late batch within the widened margin, unless it holds over half a run', async () => {
    const all = (await warehouse.events({ limit: 1000, offset: 0 })).rows;
    expect(all.length).toBe(1000);
    const r0 = Date.now() * 1000;
    const at = (events: MortarEvent[], receivedAt: number) =>
      warehouse.commit({ events: events.map((e) => ({ ...e, receivedAt })), deadLetters: [], positions: [] });
    const base = all.slice(0, 300);
    const late = all.slice(300, 500); // read 5 s before the last run's position, committed after it
    const newer = all.slice(500, 550);
    const run = async (maxEvents: number) => {
      await reset();
      await at(base, r0);
      const first = await processIncrement(warehouse, flow, { ...OPTS, maxEvents: 10_000 });
      expect(first.events).toBe(base.length);
      await at(late, r0 - 5e6);
      await at(newer, r0 + 1e6);
      return processIncrement(warehouse, flow, { ...OPTS, marginUs: 10e6, maxEvents });
    };
    // 200 late rows against a run of 10,000: read again (the margin reaches 10 s back).
    expect((await run(10_000)).events).toBe(base.length + late.length + newer.length);
    // against a run of 360 they are over half of it: only the usual 3 s (base and newer), no cut.
    const guarded = await run(360);
    expect(guarded.events).toBe(base.length + newer.length);
    expect(guarded.deferred).toBe(0);
  }, 60_000);
});
