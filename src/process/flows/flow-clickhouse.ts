// Flow processing on a ClickHouse warehouse: set-based on the engine, by windows. A run recomputes
// every alert whose start lies between the flow's `done` mark (alerts before it are final: past
// their horizon in event time) and the newest event, from the events themselves
// (clickhouseInstancesSql), and replaces those alerts' rows in the derived logs (derivedTables.ts:
// new rows first, then tombstones for rows that vanished). A restart picks up at `done`; a window
// recomputed twice gives the same rows, so nothing is ever counted twice. History is caught up in
// slices of at most `sliceUs`.

import { FLOW_DERIVED } from '../../warehouse/clickhouse/derivedSchema.ts';
import { nextVersion, replaceDerivedRows, workTable } from '../../warehouse/clickhouse/derivedTables.ts';
import { type Sql, sql } from '../../warehouse/sql.ts';
import type { Warehouse } from '../../warehouse/warehouse.ts';
import type { FlowDef } from './definition.ts';
import type { FlowRunResult } from './flow-processor.ts';
import type { FlowWindow } from './flow-sql.ts';
import { clickhouseInstancesSql } from './flow-sql-clickhouse.ts';

const table = (name: string) => FLOW_DERIVED.find((t) => t.name === name)!;

/** Statements that replace the alerts of `flow` starting in [w.fromUs, w.toUs) with a recomputation. */
export function clickhouseReplaceStatements(warehouse: Warehouse, flow: FlowDef, w: FlowWindow): Sql[] {
  const f = flow.name;
  const work = workTable('flow');
  const version = nextVersion();
  const scope = sql`flow = ${f} and root_us >= ${w.fromUs} and root_us < ${w.toUs}`;
  const alerts = sql`(select ${f} as flow, root, root_us, state, e2e_us, missing, toInt32(gaps) as gaps,
    toInt64(${Date.now() * 1000}) as updated_us from ${work})`;
  const steps = sql.join(
    flow.steps.map((st) => {
      const i = st.index;
      return sql`select ${f} as flow, root, root_us, ${st.name} as step, toInt32(${i}) as step_index,
        assumeNotNull(${sql.id(`t${i}`)}) as t_us, ${sql.id(`c${i}`)} as component, ${sql.id(`e${i}`)} as event_id
        from ${work} where ${sql.id(`t${i}`)} is not null`;
    }),
    sql` union all `,
  );
  const hops = flow.steps
    .filter((st) => st.parent !== undefined)
    .map((st) => {
      const from = flow.steps[st.parent!]!;
      const [tf, tt] = [sql.id(`t${from.index}`), sql.id(`t${st.index}`)];
      const latency = sql`assumeNotNull(${tt}) - assumeNotNull(${tf})`;
      const sla =
        st.slaUs === undefined ? sql`CAST(NULL AS Nullable(Int64))` : sql`toNullable(toInt64(${st.slaUs}))`;
      const breach = st.slaUs === undefined ? sql`toUInt8(0)` : sql`toUInt8(${latency} > ${st.slaUs})`;
      return sql`select ${f} as flow, root, root_us, ${from.name} as from_step, ${st.name} as to_step,
          ${sql.id(`c${from.index}`)} as from_component, ${sql.id(`c${st.index}`)} as to_component,
          ${latency} as latency_us, ${sla} as sla_us, ${breach} as breach
        from ${work} where ${tf} is not null and ${tt} is not null`;
    });
  const hopRows = hops.length
    ? sql`(${sql.join(hops, sql` union all `)})`
    : // no hops declared: an empty set with the right columns
      sql`(select '' as flow, '' as root, toInt64(0) as root_us, '' as from_step, '' as to_step,
        CAST(NULL AS Nullable(String)) as from_component, CAST(NULL AS Nullable(String)) as to_component,
        toInt64(0) as latency_us, CAST(NULL AS Nullable(Int64)) as sla_us, toUInt8(0) as breach limit 0)`;
  return [
    sql`drop table if exists ${work}`,
    sql`create table ${work} engine = Memory as ${clickhouseInstancesSql(warehouse.sqlDialect, flow, w)}`,
    ...replaceDerivedRows(table('flow_alerts'), alerts, scope, version),
    ...replaceDerivedRows(table('flow_steps'), sql`(${steps})`, scope, version),
    ...replaceDerivedRows(table('flow_hops'), hopRows, scope, version),
    sql`drop table if exists ${work}`,
  ];
}

export interface ClickHouseFlowProgress {
  doneUs?: number;
  nowUs?: number;
}

export async function clickhouseFlowProgress(
  warehouse: Warehouse,
  flow: FlowDef,
): Promise<ClickHouseFlowProgress> {
  const [row] = await warehouse.query(
    sql`select done_us, now_us from ${sql.id('flow_progress')} where flow = ${flow.name}`,
  );
  return row ? { doneUs: Number(row.done_us), nowUs: Number(row.now_us) } : {};
}

export interface ClickHouseFlowRun extends FlowRunResult {
  fromUs: number;
  toUs: number;
  nowUs: number;
  /** More history waits (the window was cut at `sliceUs`). */
  behind: boolean;
}

export interface ClickHouseFlowOptions {
  idleUs: number;
  skewUs: number;
  lagging?: readonly string[];
  /** Longest window of alert starts one run recomputes (catching up history). */
  sliceUs?: number;
}

/** One run for one flow: recompute the open alerts (or the next slice of history), move `done`. */
export async function processFlowClickHouse(
  warehouse: Warehouse,
  flow: FlowDef,
  o: ClickHouseFlowOptions,
): Promise<ClickHouseFlowRun | undefined> {
  const ts = sql.id('ts');
  const prog = await clickhouseFlowProgress(warehouse, flow);
  const since = prog.doneUs === undefined ? sql`1 = 1` : sql`${ts} >= ${prog.doneUs - o.skewUs}`;
  const [row] = await warehouse.query(
    sql`select count() as n, min(${ts}) as lo, max(${ts}) as hi from ${sql.id('events')} where ${since}`,
  );
  if (!row || Number(row.n) === 0) return undefined;
  const nowUs = Number(row.hi);
  const fromUs = prog.doneUs ?? Number(row.lo);
  const sliceUs = o.sliceUs ?? 6 * 3600e6;
  // Alerts that started a horizon (plus the skew allowance) before now can change no more:
  // history up to there goes in slices, the open alerts after it always in one window.
  const finalUs = nowUs - flow.horizonUs - o.skewUs;
  const toUs = fromUs + sliceUs < finalUs ? fromUs + sliceUs : nowUs + 1;
  const w: FlowWindow = { fromUs, toUs, nowUs, idleUs: o.idleUs, skewUs: o.skewUs, lagging: o.lagging };
  const doneUs = Math.max(fromUs, Math.min(toUs, finalUs));
  const progress = sql`(select ${flow.name} as flow, toInt64(${doneUs}) as done_us, toInt64(${nowUs}) as now_us)`;
  await warehouse.execute([
    ...clickhouseReplaceStatements(warehouse, flow, w),
    ...replaceDerivedRows(table('flow_progress'), progress, sql`flow = ${flow.name}`, nextVersion()),
  ]);
  const rows = await warehouse.query(
    sql`select state, count() as n from ${sql.id('flow_alerts')}
      where flow = ${flow.name} and root_us >= ${fromUs} and root_us < ${toUs} group by state`,
  );
  const byState: Record<string, number> = {};
  for (const r of rows) byState[String(r.state)] = Number(r.n);
  return {
    flow: flow.name,
    alerts: Object.values(byState).reduce((a, b) => a + b, 0),
    byState,
    fromUs,
    toUs,
    nowUs,
    behind: toUs <= nowUs,
  };
}
