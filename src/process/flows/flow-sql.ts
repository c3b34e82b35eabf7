// Set-based flow processing: one SQL statement per flow computes, for every alert whose first step
// falls in a window, the time, component and event of each step, the state of the alert and its
// end-to-end latency; a second derives the hops. Everything runs on the warehouse engine; only
// dialect hooks differ. Steps join on the outgoing key of the nearest present ancestor that speaks
// the same key, so one garbled line in the middle of a path leaves a gap, not a broken alert.
import type { EventMatch } from '../../config/schema.ts';
import type { Dialect } from '../../warehouse/dialect.ts';
import { type Sql, type SqlNode, sql } from '../../warehouse/sql.ts';
import type { FlowDef, FlowStep } from './definition.ts';

export interface FlowWindow {
  /** Alerts whose first step is in [fromUs, toUs). */
  fromUs: number;
  toUs: number;
  /** Event-time "now": wall clock when live, the newest event time when processing history. */
  nowUs: number;
  /** A source silent this long is assumed to have nothing more to say (its watermark follows now). */
  idleUs: number;
  /** How much earlier than the first step a later step may be stamped (clock skew). */
  skewUs: number;
  /**
   * Subsystems whose pipelines are still catching up (bytes behind): their silence means nothing
   * yet, so their watermark never follows `now - idle`.
   */
  lagging?: readonly string[];
}

const col = (name: string) => sql.id(name);
const s = (i: number, c: string) => sql.id(`s${i}`, c);
const t = (i: number) => sql.id(`t${i}`);

function matchSql(d: Dialect, m: EventMatch): Sql {
  const eq = (column: SqlNode, v: string | string[]) =>
    Array.isArray(v) ? sql`${column} in (${sql.list(v)})` : sql`${column} = ${v}`;
  const conds: Sql[] = [];
  if (m.subsystem !== undefined) conds.push(eq(col('subsystem'), m.subsystem));
  if (m.component !== undefined) conds.push(eq(col('component'), m.component));
  if (m.kind !== undefined) conds.push(eq(col('kind'), m.kind));
  if (m.type !== undefined) conds.push(eq(col('type'), m.type));
  for (const [k, v] of Object.entries(m.attrs ?? {})) conds.push(eq(d.jsonText(col('attrs'), k), v));
  return sql.join(conds, sql` and `);
}

function stepCte(d: Dialect, step: FlowStep, fromUs: number, toUs: number): Sql {
  const k = d.mapValue(col('keys'), step.key);
  const o = d.mapValue(col('keys'), step.out);
  const ts = col('ts');
  return sql`${sql.id(`s${step.index}`)} as (
    select ${k} as k, ${o} as o, min(${d.epochUs(ts)}) as t, ${d.argMin(col('component'), ts)} as c, ${d.argMin(col('id'), ts)} as e
    from ${col('events')}
    where ${ts} >= ${sql.ts(fromUs)} and ${ts} < ${sql.ts(toUs)} and ${matchSql(d, step.match)} and ${k} is not null
    group by k, o)`;
}

/** Ancestors of a step, nearest first, as long as they emit the key the parent emits. */
function joinSources(flow: FlowDef, step: FlowStep): number[] {
  const out: number[] = [];
  const want = flow.steps[step.parent!]!.out;
  for (
    let a: number | undefined = step.parent;
    a !== undefined && flow.steps[a]!.out === want;
    a = flow.steps[a]!.parent
  )
    out.push(a);
  return out;
}

function descendants(flow: FlowDef, i: number): number[] {
  const kids = flow.steps.filter((x) => x.parent === i).map((x) => x.index);
  return kids.flatMap((k) => [k, ...descendants(flow, k)]);
}

/** The per-alert query: root, root time, per step t{i} (µs, NULL if unseen), c{i}, e{i}, state, e2e_us, missing, gaps. */
export function instancesSql(d: Dialect, flow: FlowDef, w: FlowWindow): Sql {
  const hi = w.toUs + flow.horizonUs;
  const ctes = flow.steps.map((st) =>
    st.index === 0 ? stepCte(d, st, w.fromUs, w.toUs) : stepCte(d, st, w.fromUs - w.skewUs, hi),
  );
  // One watermark per step: the newest event time of its subsystem, or `now - idle` when that is later.
  const marks = flow.steps.map((st) => {
    const sub = typeof st.match.subsystem === 'string' ? st.match.subsystem : undefined;
    const seen =
      sub === undefined
        ? sql`max(${d.epochUs(col('ts'))})`
        : sql`max(case when ${col('subsystem')} = ${sub} then ${d.epochUs(col('ts'))} end)`;
    return sql`${seen} as ${sql.id(`w${st.index}`)}`;
  });
  const joins = flow.steps.slice(1).map((st) => {
    const on = joinSources(flow, st).map((a) => s(a, 'o'));
    const key = on.length === 1 ? on[0]! : sql`coalesce(${sql.join(on)})`;
    return sql`left join ${sql.id(`s${st.index}`)} on ${s(st.index, 'k')} = ${key}`;
  });
  const perStep = flow.steps.flatMap((st) => [
    sql`${s(st.index, 't')} as ${t(st.index)}`,
    sql`${s(st.index, 'c')} as ${sql.id(`c${st.index}`)}`,
    sql`${s(st.index, 'e')} as ${sql.id(`e${st.index}`)}`,
  ]);
  const lagging = new Set(w.lagging ?? []);
  const floorOf = (st: FlowStep) => {
    const subs = st.match.subsystem === undefined ? [...lagging] : [st.match.subsystem].flat();
    return subs.some((x) => lagging.has(x)) ? 0 : w.nowUs - w.idleUs;
  };
  const watermark = (st: FlowStep) => {
    const seen = sql`coalesce(m.${sql.id(`w${st.index}`)}, 0)`;
    return sql`case when ${seen} > ${floorOf(st)} then ${seen} else ${floorOf(st)} end as ${sql.id(`wm${st.index}`)}`;
  };
  const base = sql`select ${s(0, 'k')} as root, ${sql.join(perStep)}, ${sql.join(flow.steps.map(watermark))}
    from s0 ${sql.join(joins, sql` `)} cross join m`;

  const required = flow.steps.filter((st) => !st.optional);
  // Missing for good only when neither the step nor anything after it was seen (else it is a gap in the logs).
  const absent = (st: FlowStep) =>
    sql.join(
      [st.index, ...descendants(flow, st.index)].map((i) => sql`${t(i)} is null`),
      sql` and `,
    );
  const overdue = (limitUs: number) =>
    sql.join(
      required.map((st) => sql`(${absent(st)} and ${sql.id(`wm${st.index}`)} - ${t(0)} >= ${limitUs})`),
      sql` or `,
    );
  const complete = sql.join(
    required.map((st) => sql`${t(st.index)} is not null`),
    sql` and `,
  );
  const noneAbsent = sql.join(
    required.map((st) => sql`not (${absent(st)})`),
    sql` and `,
  );
  const breaches = flow.steps
    .filter((st) => st.slaUs !== undefined && st.parent !== undefined)
    .map((st) => sql`${t(st.index)} - ${t(st.parent!)} > ${st.slaUs!}`);
  const e2e = sql`greatest(${sql.join(required.map((st) => sql`coalesce(${t(st.index)}, ${t(0)})`))}) - ${t(0)}`;
  if (flow.slaUs !== undefined) breaches.push(sql`${e2e} > ${flow.slaUs}`);
  const late = breaches.length
    ? sql.join(
        breaches.map((b) => sql`coalesce(${b}, false)`),
        sql` or `,
      )
    : sql`false`;
  const missing = sql`case ${sql.join(
    required.map((st) => sql`when ${absent(st)} then ${st.name}`),
    sql` `,
  )} end`;
  const gaps = sql.join(
    required.map((st) => sql`case when ${t(st.index)} is null and not (${absent(st)}) then 1 else 0 end`),
    sql` + `,
  );

  return sql`with ${sql.join(ctes)},
    m as (select ${sql.join(marks)} from ${col('events')} where ${col('ts')} >= ${sql.ts(w.fromUs - flow.horizonUs)} and ${col('ts')} < ${sql.ts(hi)}),
    b as (${base})
    select *, case
        when ${noneAbsent} then (case when ${late} then 'late' else 'complete' end)
        when ${overdue(flow.horizonUs)} then 'lost'
        when ${overdue(flow.deadlineUs)} then 'stuck'
        else 'in_flight' end as state,
      case when ${noneAbsent} then ${e2e} end as e2e_us,
      ${missing} as missing,
      ${gaps} as gaps,
      (${complete}) as all_seen
    from b`;
}
