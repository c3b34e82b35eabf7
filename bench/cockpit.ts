// cockpit.at: the Cockpit at a past moment (topology of the hour before it, with hop latency
// percentiles and loss, plus the health of every component at that instant) over 10M events
// (x --scale) spread over one day. The events and the derived tables the Cockpit reads (flow
// alerts and hops, health transitions) are generated set-based, as processing would leave them.
// Reference: a plain DuckDB GROUP BY subsystem over the raw events of the same hour.

import { ensureFlowTables } from '../src/process/flows/flow-processor.ts';
import { ensureHealthTables } from '../src/process/health/health-processor.ts';
import { statesAt } from '../src/process/health/health-queries.ts';
import { topology } from '../src/process/topology/topology.ts';
import { sql } from '../src/warehouse/sql.ts';
import { insertAlerts, openBenchWorld, STEP_US, STEPS, T0_US } from './correlateData.ts';
import type { BenchContext, Measurement, Scenario } from './scenario.ts';

const DAY_US = 86_400e6;
const fmt = (n: number) => Math.round(n).toLocaleString('en');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function run(ctx: BenchContext): Promise<Measurement> {
  const events = Math.max(60_000, Math.round(10_000_000 * ctx.scale));
  const alerts = Math.round(events / STEPS);
  const gapUs = Math.floor(DAY_US / alerts);
  const { warehouse, flow, config } = await openBenchWorld(ctx.dir);
  try {
    for (let lo = 0; lo < alerts; lo += 200_000) {
      ctx.progress(`generating events: alerts ${fmt(lo)} / ${fmt(alerts)}`);
      await insertAlerts(warehouse, { lo, hi: Math.min(alerts, lo + 200_000), gapUs });
    }
    ctx.progress('generating the derived tables');
    await ensureFlowTables(warehouse);
    await ensureHealthTables(warehouse);
    const root = sql`(${T0_US}::bigint + a.i * ${gapUs}::bigint)`;
    await warehouse.execute([
      sql`insert into flow_alerts select 'bench', 'r' || a.i, ${root},
          case when a.i % 100 = 7 then 'lost' else 'complete' end,
          case when a.i % 100 = 7 then null else ${(STEPS - 1) * STEP_US} end,
          case when a.i % 100 = 7 then 'step5' end, 0, 0
        from range(0, ${alerts}::bigint) as a(i)`,
      sql`insert into flow_hops select 'bench', 'r' || a.i, ${root}, 'step' || s.k, 'step' || (s.k + 1),
          's' || s.k || '-' || (a.i % 4), 's' || (s.k + 1) || '-' || (a.i % 4), ${STEP_US} + (a.i * 7919 + s.k) % 20000,
          100000, false
        from range(0, ${alerts}::bigint) as a(i), range(0, ${STEPS - 1}) as s(k)
        where not (s.k = ${STEPS - 2} and a.i % 100 = 7)`,
      // Every component changes state about every 10 minutes; some spells are degraded or failed.
      sql`insert into health_transitions
        select 'component', 's' || c.s, 's' || c.s || '-' || m.n,
          case when (b.j * 31 + c.s * 7 + m.n) % 13 = 0 then 'failed' when (b.j * 31 + c.s * 7 + m.n) % 5 = 0 then 'degraded' else 'ok' end,
          ${T0_US}::bigint + b.j * 600000000, ${T0_US}::bigint + (b.j + 1) * 600000000, null, null, null, null, false
        from range(0, 144) as b(j), range(0, ${STEPS}) as c(s), range(0, 4) as m(n)`,
    ]);
    const moments = [0.21, 0.43, 0.57, 0.71, 0.93].map((f) => T0_US + Math.round(f * DAY_US));
    const ours: number[] = [];
    const ref: number[] = [];
    for (const at of moments) {
      ctx.progress(`cockpit at ${new Date(at / 1000).toISOString()}`);
      let t = performance.now();
      const [topo, states] = await Promise.all([
        topology(warehouse, config, [flow], at - 3600e6, at),
        statesAt(warehouse, undefined, at),
      ]);
      ours.push(performance.now() - t);
      if (topo.edges.length !== STEPS - 1 || states.length !== STEPS * 4)
        throw new Error(`cockpit.at: ${topo.edges.length} edges, ${states.length} states`);
      t = performance.now();
      await warehouse.query(
        sql`select subsystem, count(*) as n from events where ts >= ${sql.ts(at - 3600e6)} and ts < ${sql.ts(at)} group by subsystem`,
      );
      ref.push(performance.now() - t);
    }
    return {
      value: median(ours),
      unit: 'ms',
      reference: { name: 'duckdb GROUP BY over the hour', value: median(ref) },
      notes: `${fmt(alerts * STEPS)} events over 1 day, ${fmt(alerts)} alerts; topology of the hour before + health at the moment, median of ${moments.length} moments`,
    };
  } finally {
    await warehouse.close();
  }
}

export const cockpitAt: Scenario = {
  name: 'cockpit.at',
  description: 'topology + health at a past moment over 10M events (ms)',
  better: 'lower',
  run,
};
