// Set-based flow processing: one SQL statement per flow computes, for every alert in a window, the
// time, component and event of each step, the alert's state, end-to-end latency, first missing
// step and gaps. It runs on the warehouse engine; only dialect hooks differ.
//
// Linking: every step's events are mapped to the alert's root id (the first step's key). A step
// keyed by a bridged id (alarm_id, emitted by a later step) is mapped back through a bridge table
// built from every event of the flow that carries both ids — so an alert stays linked when any
// single line is missing or garbled, including its first one (the alert then starts at its earliest
// seen step and the missing ones are gaps, not losses).
import type { EventMatch } from '../../config/schema.ts';
import type { Dialect } from '../../warehouse/dialect.ts';
import { type Sql, type SqlNode, sql } from '../../warehouse/sql.ts';
import { correctedUs } from './clock.ts';
import type { FlowDef, FlowStep } from './definition.ts';

export interface FlowWindow {
  /** Alerts whose first seen step is in [fromUs, toUs). */
  fromUs: number;
  toUs: number;
  /** Event-time "now": the newest event time (live or history). */
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

/**
 * Where the per-step rows come from when not from the events (incremental processing): per step,
 * rows (root, t, c, e); and one row with a column w{i} per step, the watermarks.
 */
export interface StepSource {
  step(st: FlowStep): Sql;
  marks: Sql;
}

const col = (name: string) => sql.id(name);
const s = (i: number, c: string) => sql.id(`s${i}`, c);
const t = (i: number) => sql.id(`t${i}`);

/** Predicate: the event matches a step's `match`. */
export function matchSql(d: Dialect, m: EventMatch): Sql {
  const eq = (column: SqlNode, v: string | string[]) =>
    Array.isArray(v) ? sql`${column} in (${sql.list(v)})` : sql`${column} = ${v}`;
  const conds: Sql[] = [];
  if (m.subsystem !== undefined) conds.push(eq(col('subsystem'), m.subsystem));
  if (m.component !== undefined) conds.push(eq(col('component'), m.component));
  if (m.kind !== undefined) conds.push(eq(col('kind'), m.kind));
  if (m.type !== undefined) conds.push(eq(col('type'), m.type));
  for (const [k, v] of Object.entries(m.attrs ?? {})) conds.push(eq(d.jsonText(col('attrs'), k), v));
  return conds.length ? sql`(${sql.join(conds, sql` and `)})` : sql`true`;
}

/** For every key name other than the root's: the key it bridges to (the emitting step's own key). */
export function bridges(flow: FlowDef): Map<string, string> {
  const out = new Map<string, string>();
  for (const st of flow.steps) if (st.out !== st.key && !out.has(st.out)) out.set(st.out, st.key);
  return out;
}

function descendants(flow: FlowDef, i: number): number[] {
  const kids = flow.steps.filter((x) => x.parent === i).map((x) => x.index);
  return kids.flatMap((k) => [k, ...descendants(flow, k)]);
}

/** Checks that every step's key reaches the root key through bridges; returns problems as text. */
export function unreachableKeys(flow: FlowDef): string[] {
  const root = flow.steps[0]!.key;
  const b = bridges(flow);
  return flow.steps
    .filter((st) => {
      const seen = new Set<string>();
      for (let k: string | undefined = st.key; k !== undefined && !seen.has(k); k = b.get(k)) {
        if (k === root) return false;
        seen.add(k);
      }
      return true;
    })
    .map((st) => `step "${st.name}" is keyed by ${st.key}, which no earlier step bridges to ${root} (emits)`);
}

/**
 * One watermark per step, read from the events: the newest (corrected) event time of its
 * subsystem, as column w{i}.
 */
export function markColumns(d: Dialect, flow: FlowDef): Sql[] {
  const eventUs = correctedUs(d, flow.clock);
  return flow.steps.map((st) => {
    const sub = typeof st.match.subsystem === 'string' ? st.match.subsystem : undefined;
    const seen =
      sub === undefined
        ? sql`max(${eventUs})`
        : sql`max(case when ${col('subsystem')} = ${sub} then ${eventUs} end)`;
    return sql`${seen} as ${sql.id(`w${st.index}`)}`;
  });
}

/**
 * The step's watermark wm{i}: m.w{i}, or `now - idle` when that is later, unless the step's
 * subsystem is still catching up (its silence means nothing yet).
 */
export function watermarkColumn(st: FlowStep, w: FlowWindow): Sql {
  const lagging = new Set(w.lagging ?? []);
  const subs = st.match.subsystem === undefined ? [...lagging] : [st.match.subsystem].flat();
  // Typed: ClickHouse finds no common type for a signed column and a large unsigned literal.
  const floor = sql`cast(${subs.some((x) => lagging.has(x)) ? 0 : w.nowUs - w.idleUs} as Int64)`;
  const seen = sql`coalesce(m.${sql.id(`w${st.index}`)}, 0)`;
  return sql`case when ${seen} > ${floor} then ${seen} else ${floor} end as ${sql.id(`wm${st.index}`)}`;
}

/** The per-alert query: root, per step t{i} (µs, NULL if unseen), c{i}, e{i}; root_us, state, e2e_us, missing, gaps. */
export function instancesSql(d: Dialect, flow: FlowDef, w: FlowWindow, src?: StepSource): Sql {
  const rootKey = flow.steps[0]!.key;
  const lo = w.fromUs - w.skewUs;
  const hi = w.toUs + flow.horizonUs;
  const ts = col('ts');
  const inWindow = sql`${ts} >= ${sql.ts(lo)} and ${ts} < ${sql.ts(hi)}`;
  const anyStep = sql.join(
    flow.steps.map((st) => matchSql(d, st.match)),
    sql` or `,
  );
  const key = (name: string) => d.mapValue(col('keys'), name);
  const eventUs = correctedUs(d, flow.clock);

  // Bridge tables, one per bridged key name: its value -> root id (resolved through earlier bridges).
  const b = bridges(flow);
  const bridgeName = (k: string) => sql.id(`b_${[...b.keys()].indexOf(k)}`);
  const resolve = (k: string, value: SqlNode): { expr: Sql; joins: Sql[] } => {
    if (k === rootKey) return { expr: sql`${value}`, joins: [] };
    return {
      expr: sql`${bridgeName(k)}.r`,
      joins: [sql`left join ${bridgeName(k)} on ${bridgeName(k)}.v = ${value}`],
    };
  };
  const bridgeCtes = [...b.keys()].map((k) => {
    const to = b.get(k)!;
    const inner = sql`select ${key(k)} as v, min(${key(to)}) as p from ${col('events')}
      where ${inWindow} and (${anyStep}) and ${key(k)} is not null and ${key(to)} is not null group by v`;
    if (to === rootKey) return sql`${bridgeName(k)} as (select v, p as r from (${inner}) as x)`;
    return sql`${bridgeName(k)} as (select x.v, ${bridgeName(to)}.r as r from (${inner}) as x left join ${bridgeName(to)} on ${bridgeName(to)}.v = x.p)`;
  });

  const stepCte = (st: FlowStep) => {
    const r = resolve(st.key, key(st.key));
    const mapped = sql`select ${r.expr} as root, ${eventUs} as us, ${col('component')} as component, ${col('id')} as id
      from ${col('events')} ${sql.join(r.joins, sql` `)}
      where ${inWindow} and ${matchSql(d, st.match)} and ${key(st.key)} is not null`;
    return sql`${sql.id(`s${st.index}`)} as (
      select root, min(us) as t, ${d.argMin(col('component'), col('us'))} as c, ${d.argMin(col('id'), col('us'))} as e
      from (${mapped}) as x where root is not null group by root)`;
  };
  const sourcedCte = (st: FlowStep, from: Sql) =>
    sql`${sql.id(`s${st.index}`)} as (
      select root, min(t) as t, ${d.argMin(col('c'), col('t'))} as c, ${d.argMin(col('e'), col('t'))} as e
      from (${from}) as x where root is not null group by root)`;

  const marks = markColumns(d, flow);
  const watermark = (st: FlowStep) => watermarkColumn(st, w);

  const roots = sql.join(
    flow.steps.map((st) => sql`select root from ${sql.id(`s${st.index}`)}`),
    sql` union `,
  );
  const perStep = flow.steps.flatMap((st) => [
    sql`${s(st.index, 't')} as ${t(st.index)}`,
    sql`${s(st.index, 'c')} as ${sql.id(`c${st.index}`)}`,
    sql`${s(st.index, 'e')} as ${sql.id(`e${st.index}`)}`,
  ]);
  // The alert starts at its first step, or at the earliest step seen when that line is missing.
  const start = sql`coalesce(${s(0, 't')}, ${d.leastOf(flow.steps.slice(1).map((st) => s(st.index, 't')))})`;
  const joins = flow.steps.map(
    (st) => sql`left join ${sql.id(`s${st.index}`)} on ${s(st.index, 'root')} = r.root`,
  );
  const base = sql`select r.root as root, ${start} as root_us, ${sql.join(perStep)}, ${sql.join(flow.steps.map(watermark))}
    from (${roots}) as r ${sql.join(joins, sql` `)} cross join m`;

  const ctes = src
    ? flow.steps.map((st) => sourcedCte(st, src.step(st)))
    : [...bridgeCtes, ...flow.steps.map(stepCte)];
  const marksFrom = src
    ? src.marks
    : sql`select ${sql.join(marks)} from ${col('events')} where ${ts} >= ${sql.ts(w.fromUs - flow.horizonUs)} and ${ts} < ${sql.ts(hi)}`;
  return sql`with ${sql.join(ctes)},
    m as (${marksFrom}),
    b as (${base})
    ${stateSelect(flow, w, sql`b`)}`;
}

/**
 * The alert's state, end-to-end latency, first missing step and gap count over `from`, rows of
 * (root, root_us, t{i}, c{i}, e{i}, wm{i}); only alerts starting in the window. Plain SQL that
 * DuckDB and ClickHouse 18.16 both run (no true/false literals, two-argument greatest).
 */
export function stateSelect(flow: FlowDef, w: FlowWindow, from: Sql): Sql {
  const required = flow.steps.filter((st) => !st.optional);
  const rootUs = col('root_us');
  const no = sql`(1 = 0)`;
  // Missing for good only when neither the step nor anything after it was seen (else it is a gap in the logs).
  const absent = (st: FlowStep) =>
    sql.join(
      [st.index, ...descendants(flow, st.index)].map((i) => sql`${t(i)} is null`),
      sql` and `,
    );
  const overdue = (limitUs: number) =>
    sql.join(
      required.map((st) => sql`(${absent(st)} and ${sql.id(`wm${st.index}`)} - ${rootUs} >= ${limitUs})`),
      sql` or `,
    );
  const noneAbsent = sql.join(
    required.map((st) => sql`not (${absent(st)})`),
    sql` and `,
  );
  const breaches = flow.steps
    .filter((st) => st.slaUs !== undefined && st.parent !== undefined)
    .map((st) => sql`${t(st.index)} - ${t(st.parent!)} > ${st.slaUs!}`);
  const latest = required
    .map((st) => sql`coalesce(${t(st.index)}, ${rootUs})`)
    .reduce((acc, x) => sql`greatest(${acc}, ${x})`);
  const e2e = sql`${latest} - ${rootUs}`;
  if (flow.slaUs !== undefined) breaches.push(sql`${e2e} > ${flow.slaUs}`);
  const late = breaches.length
    ? sql.join(
        breaches.map((x) => sql`coalesce(${x}, ${no})`),
        sql` or `,
      )
    : no;
  const missing = sql`case ${sql.join(
    required.map((st) => sql`when ${absent(st)} then ${st.name}`),
    sql` `,
  )} end`;
  const gaps = sql.join(
    flow.steps.map((st) => sql`case when ${t(st.index)} is null and not (${absent(st)}) then 1 else 0 end`),
    sql` + `,
  );
  return sql`select *, case
        when ${noneAbsent} then (case when ${late} then 'late' else 'complete' end)
        when ${overdue(flow.horizonUs)} then 'lost'
        when ${overdue(flow.deadlineUs)} then 'stuck'
        else 'in_flight' end as state,
      case when ${noneAbsent} then ${e2e} end as e2e_us,
      ${missing} as missing,
      ${gaps} as gaps
    from ${from} where root_us >= ${w.fromUs} and root_us < ${w.toUs}`;
}
