// The per-alert flow query for ClickHouse, in the SQL Debian's 18.16 runs: no table CTEs and at
// most one JOIN per SELECT. Same rows as instancesSql on DuckDB (a conformance test compares
// them): every step's events are tagged with their step index and mapped to the alert's root id
// (a bridged key through one ANY LEFT JOIN per bridge level, nested), then one aggregation per
// root takes each step's earliest time, component and event with -If combinators; the state
// logic on top (stateSelect) is shared with DuckDB.
import type { Dialect } from '../../warehouse/dialect.ts';
import { type Sql, sql } from '../../warehouse/sql.ts';
import { correctedUs } from './clock.ts';
import type { FlowDef, FlowStep } from './definition.ts';
import { bridges, type FlowWindow, markColumns, matchSql, stateSelect, watermarkColumn } from './flow-sql.ts';

const col = (name: string) => sql.id(name);

export function clickhouseInstancesSql(d: Dialect, flow: FlowDef, w: FlowWindow): Sql {
  const rootKey = flow.steps[0]!.key;
  const lo = w.fromUs - w.skewUs;
  const hi = w.toUs + flow.horizonUs;
  const ts = col('ts');
  const inWindow = sql`${ts} >= ${sql.ts(lo)} and ${ts} < ${sql.ts(hi)}`;
  const anyStep = sql.join(
    flow.steps.map((st) => matchSql(d, st.match)),
    sql` or `,
  );
  // Keys are Nullable; joins and grouping use the text ('' = absent, filtered out first).
  const key = (name: string) => sql`ifNull(${d.mapValue(col('keys'), name)}, '')`;
  const eventUs = correctedUs(d, flow.clock);
  const b = bridges(flow);

  /** Rows (v, r): a bridged key's value -> the root id, through earlier bridges. */
  const bridge = (k: string): Sql => {
    const to = b.get(k)!;
    const inner = sql`select ${key(k)} as v, min(${key(to)}) as p from ${col('events')}
      where ${inWindow} and (${anyStep}) and ${key(k)} != '' and ${key(to)} != '' group by v`;
    if (to === rootKey) return sql`select v, p as r from (${inner})`;
    return sql`select x.v as v, y.r as r from (${inner}) as x any left join (${bridge(to)}) as y on x.p = y.v`;
  };

  const stepRows = (st: FlowStep): Sql => {
    const picked = sql`select ${key(st.key)} as kv, ${eventUs} as us, ${col('component')} as c, ${col('id')} as e
      from ${col('events')} where ${inWindow} and ${matchSql(d, st.match)} and ${key(st.key)} != ''`;
    const si = sql`toUInt32(${st.index})`;
    if (st.key === rootKey) return sql`select kv as root, ${si} as si, us, c, e from (${picked})`;
    return sql`select y.r as root, ${si} as si, x.us as us, x.c as c, x.e as e
      from (${picked}) as x any left join (${bridge(st.key)}) as y on x.kv = y.v`;
  };

  const seen = (i: number) => sql`countIf(si = ${i}) > 0`;
  const perStep = flow.steps.flatMap((st) => {
    const i = st.index;
    return [
      sql`if(${seen(i)}, minIf(us, si = ${i}), NULL) as ${sql.id(`t${i}`)}`,
      sql`if(${seen(i)}, argMinIf(c, us, si = ${i}), NULL) as ${sql.id(`c${i}`)}`,
      sql`if(${seen(i)}, argMinIf(e, us, si = ${i}), NULL) as ${sql.id(`e${i}`)}`,
    ];
  });
  const steps = sql.join(flow.steps.map(stepRows), sql` union all `);
  const perRoot = sql`select root, ${sql.join(perStep)} from (${steps}) where root != '' group by root`;
  // The alert starts at its first step, or at the earliest step seen when that line is missing.
  const later = flow.steps.slice(1).map((st) => sql.id(`t${st.index}`));
  const start = later.length ? sql`coalesce(t0, ${d.leastOf(later)})` : sql`t0`;
  const marks = sql`select ${sql.join(markColumns(d, flow))} from ${col('events')}
    where ${ts} >= ${sql.ts(w.fromUs - flow.horizonUs)} and ${ts} < ${sql.ts(hi)}`;
  const stepCols = flow.steps.flatMap((st) =>
    [`t${st.index}`, `c${st.index}`, `e${st.index}`].map((n) => sql.id(n)),
  );
  const base = sql`select root, ${start} as root_us, ${sql.join(stepCols)}, ${sql.join(flow.steps.map((st) => watermarkColumn(st, w)))}
    from (${perRoot}) as a cross join (${marks}) as m`;
  return stateSelect(flow, w, sql`(${base})`);
}
