// Runs flow processing for a window of alerts: computes the alerts set-based on the warehouse and
// replaces that window's rows in the derived tables in one transaction, so reprocessing the same
// window (after a restart or a rule change) never double counts.

import { type Sql, type SqlNode, sql } from '../../warehouse/sql.ts';
import type { Warehouse } from '../../warehouse/warehouse.ts';
import type { FlowDef, FlowStep } from './definition.ts';
import { clickhouseReplaceStatements } from './flow-clickhouse.ts';
import { type FlowWindow, instancesSql } from './flow-sql.ts';
import { FLOW_TABLES } from './flow-tables.ts';

export interface FlowRunResult {
  flow: string;
  alerts: number;
  byState: Record<string, number>;
}

const WORK = sql.id('flow_work');

/** Creates the flow tables on DuckDB; on ClickHouse the schema migrations made them (derivedSchema.ts). */
export async function ensureFlowTables(warehouse: Warehouse): Promise<void> {
  if (warehouse.dialect === 'clickhouse') return;
  await warehouse.execute(FLOW_TABLES);
}

/** Newest event time in the warehouse (µs), the event-time "now" for processing history. */
export async function newestEventUs(warehouse: Warehouse): Promise<number | undefined> {
  const [row] = await warehouse.query(
    sql`select max(${warehouse.sqlDialect.epochUs(sql.id('ts'))}) as t from ${sql.id('events')}`,
  );
  return row?.t === null || row?.t === undefined ? undefined : Number(row.t);
}

/** Query: flow_steps rows (in its column order) of `work`, a table of instancesSql's rows. */
export function stepRowsSql(flow: FlowDef, work: SqlNode): Sql {
  return sql.join(
    flow.steps.map(
      (
        st,
      ) => sql`select ${flow.name}, root, root_us, ${st.name}, ${st.index}, ${sql.id(`t${st.index}`)}, ${sql.id(`c${st.index}`)}, ${sql.id(`e${st.index}`)}
      from ${work} where ${sql.id(`t${st.index}`)} is not null`,
    ),
    sql` union all `,
  );
}

/**
 * Query: flow_hops rows of `work` (undefined for a flow without hops); `only(from, to)` narrows
 * each hop's rows by a predicate over work's columns.
 */
export function hopRowsSql(
  flow: FlowDef,
  work: SqlNode,
  only?: (from: FlowStep, to: FlowStep) => Sql,
): Sql | undefined {
  const rows: Sql[] = flow.steps
    .filter((st) => st.parent !== undefined)
    .map((st) => {
      const from = flow.steps[st.parent!]!;
      const [tf, tt] = [sql.id(`t${from.index}`), sql.id(`t${st.index}`)];
      const sla = st.slaUs ?? null;
      return sql`select ${flow.name}, root, root_us, ${from.name}, ${st.name}, ${sql.id(`c${from.index}`)}, ${sql.id(`c${st.index}`)},
          ${tt} - ${tf}, cast(${sla} as bigint), ${sla === null ? sql`false` : sql`${tt} - ${tf} > ${sla}`}
        from ${work} where ${tf} is not null and ${tt} is not null${only ? sql` and (${only(from, st)})` : sql``}`;
    });
  return rows.length ? sql.join(rows, sql` union all `) : undefined;
}

/** Statement: the flow_alerts rows of `work`. */
export function insertAlertsSql(flow: FlowDef, work: SqlNode): Sql {
  return sql`insert into ${sql.id('flow_alerts')} select ${flow.name}, root, root_us, state, e2e_us, missing, gaps, ${Date.now() * 1000} from ${work}`;
}

/**
 * Statements that replace the rows of the alerts selected by `scope` (a predicate on flow, root,
 * root_us) in the three flow tables with those of `work`, a table of instancesSql's rows.
 */
export function replaceFromWork(flow: FlowDef, work: SqlNode, scope: Sql): Sql[] {
  const hops = hopRowsSql(flow, work);
  return [
    sql`delete from ${sql.id('flow_alerts')} where ${scope}`,
    sql`delete from ${sql.id('flow_steps')} where ${scope}`,
    sql`delete from ${sql.id('flow_hops')} where ${scope}`,
    insertAlertsSql(flow, work),
    sql`insert into ${sql.id('flow_steps')} ${stepRowsSql(flow, work)}`,
    ...(hops ? [sql`insert into ${sql.id('flow_hops')} ${hops}`] : []),
  ];
}

export async function processFlow(
  warehouse: Warehouse,
  flow: FlowDef,
  w: FlowWindow,
): Promise<FlowRunResult> {
  const f = flow.name;
  const inWindow = sql`flow = ${f} and root_us >= ${w.fromUs} and root_us < ${w.toUs}`;
  await warehouse.execute(
    warehouse.dialect === 'clickhouse'
      ? clickhouseReplaceStatements(warehouse, flow, w)
      : [
          sql`create or replace temp table ${WORK} as ${instancesSql(warehouse.sqlDialect, flow, w)}`,
          ...replaceFromWork(flow, WORK, inWindow),
          sql`drop table ${WORK}`,
        ],
  );
  const rows = await warehouse.query(
    sql`select state, count(*) as n from ${sql.id('flow_alerts')} where ${inWindow} group by state`,
  );
  const byState: Record<string, number> = {};
  for (const r of rows) byState[String(r.state)] = Number(r.n);
  return { flow: f, alerts: Object.values(byState).reduce((a, b) => a + b, 0), byState };
}
