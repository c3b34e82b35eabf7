// Set-based health evidence: one SQL statement turns the events of a window into condition
// intervals, on the warehouse engine. Each rule's matching events become intervals [ts - since,
// ts + for), or, for rules without `for`, up to the next event of a recovery rule clearing it;
// overlapping intervals of one rule and component are merged into islands. Heartbeat gaps longer
// than a subsystem's stale_after become `stale` intervals. Composing states from these intervals
// (worst wins, roll-up, hysteresis) happens in timeline.ts: its input is small (one row per
// condition, not per event), whatever the event volume.
//
// The gap and island steps use standard window functions (lead, running min, max and sum), which
// ClickHouse 18.16 lacks: health-sql-clickhouse.ts computes the same rows with array functions.
import type { HealthMatch } from '../../config/schema.ts';
import type { Dialect } from '../../warehouse/dialect.ts';
import { type Sql, type SqlNode, sql } from '../../warehouse/sql.ts';
import type { HealthDef, RuleDef } from './definition.ts';
import { regexGroup, regexMatches, toNumber } from './health-dialect.ts';

/**
 * A condition that held when a window's context begins, carried in from the stored conditions:
 * a rule's (with its original start and evidence) or a heartbeat gap (its start tells when the
 * last heartbeat before it came).
 */
export interface CarriedCondition {
  rule: string;
  subsystem: string;
  component: string;
  fromUs: number;
  eventId: string | null;
}

export interface EvidenceWindow {
  /** Events read: [loUs, hiUs). */
  loUs: number;
  hiUs: number;
  /** The first event time of the warehouse: counts as every declared component's heartbeat. */
  observedFromUs: number;
  /** Per subsystem with a heartbeat rule: the time up to which its silence means something. */
  horizonUs: Record<string, number>;
  /** Most a `since` may backdate (the hindsight). */
  maxSinceUs: number;
  carried: CarriedCondition[];
}

const col = (name: string) => sql.id(name);
const BIG = 9_000_000_000_000_000;

export function matchSql(d: Dialect, m: HealthMatch): Sql {
  const eq = (column: SqlNode, v: string | string[]) =>
    Array.isArray(v) ? sql`${column} in (${sql.list(v)})` : sql`${column} = ${v}`;
  const conds: Sql[] = [];
  if (m.subsystem !== undefined) conds.push(eq(col('subsystem'), m.subsystem));
  if (m.component !== undefined) conds.push(eq(col('component'), m.component));
  if (m.kind !== undefined) conds.push(eq(col('kind'), m.kind));
  if (m.type !== undefined) conds.push(eq(col('type'), m.type));
  if (m.severity !== undefined) conds.push(eq(col('severity'), m.severity));
  for (const [k, v] of Object.entries(m.attrs ?? {})) conds.push(eq(d.jsonText(col('attrs'), k), v));
  if (m.message !== undefined) conds.push(regexMatches(d, col('message'), m.message));
  // (1 = 1), not `true`: ClickHouse 18.16 has no boolean literals.
  return conds.length ? sql`(${sql.join(conds, sql` and `)})` : sql`(1 = 1)`;
}

export function targetSql(d: Dialect, scope: string, attr: string | undefined): Sql {
  if (scope === 'subsystem') return sql`''`;
  return attr ? d.jsonText(col('attrs'), attr) : sql`${col('component')}`;
}

export function sinceSql(d: Dialect, r: RuleDef, maxUs: number): Sql {
  if (!r.since) return sql`0`;
  const text = r.since.attr
    ? d.jsonText(col('attrs'), r.since.attr)
    : regexGroup(d, col('message'), r.since.pattern!);
  return sql`cast(round(least(greatest(coalesce(${toNumber(d, text)}, 0) * ${r.since.unitUs}, 0), ${maxUs})) as bigint)`;
}

/**
 * The last heartbeat before the context of every declared or carried component of a subsystem
 * with a heartbeat rule, as [subsystem, component, µs]: for a component stale when the context
 * begins, the stored gap says when; for any other declared one, the context's (or the
 * observation's) start.
 */
export function lastBeats(def: HealthDef, w: EvidenceWindow): [string, string, number][] {
  const first = Math.max(w.loUs, w.observedFromUs);
  const lastBeat = new Map<string, number>();
  for (const s of Object.values(def.subsystems)) {
    if (!s.heartbeat) continue;
    for (const c of s.components) lastBeat.set(JSON.stringify([s.name, c]), first);
  }
  for (const c of w.carried)
    if (c.rule === 'heartbeat' && def.subsystems[c.subsystem]?.heartbeat)
      lastBeat.set(
        JSON.stringify([c.subsystem, c.component]),
        c.fromUs - def.subsystems[c.subsystem]!.heartbeat!.staleAfterUs,
      );
  return [...lastBeat].map(([k, t]) => {
    const [sub, comp] = JSON.parse(k) as [string, string];
    return [sub, comp, t];
  });
}

/** Rows: rule, subsystem, component ('' for subsystem scope), from_us, to_us (NULL: still holds), event_id. */
export function evidenceSql(d: Dialect, def: HealthDef, w: EvidenceWindow): Sql {
  const T = d.epochUs(col('ts'));
  const inRange = sql`${col('ts')} >= ${sql.ts(w.loUs)} and ${col('ts')} < ${sql.ts(w.hiUs)}`;
  const nullInt = sql`cast(null as bigint)`;
  const marks: Sql[] = [];
  for (const r of def.rules) {
    const target = targetSql(d, r.scope, r.targetAttr);
    const end = r.forUs === undefined ? nullInt : sql`${T} + ${r.forUs}`;
    marks.push(sql`select ${r.name} as rule, 'a' as mk, subsystem, ${target} as component, ${T} as t,
      ${T} - ${sinceSql(d, r, w.maxSinceUs)} as s, ${end} as e, id as eid
      from ${col('events')} where ${inRange} and ${matchSql(d, r.match)} and ${target} is not null`);
  }
  for (const rec of def.recoveries) {
    const target = targetSql(d, rec.scope, rec.targetAttr);
    for (const name of rec.clears) {
      marks.push(sql`select ${name} as rule, 'r' as mk, subsystem, ${target} as component, ${T} as t,
        ${nullInt} as s, ${nullInt} as e, cast(null as varchar) as eid
        from ${col('events')} where ${inRange} and ${matchSql(d, rec.match)} and ${target} is not null`);
    }
  }
  const forOf = new Map(def.rules.map((r) => [r.name, r.forUs]));
  for (const c of w.carried) {
    if (!forOf.has(c.rule)) continue;
    // Held up to the context's start; a rule without `for` until its next recovery.
    const end = forOf.get(c.rule) === undefined ? nullInt : sql`${w.loUs}`;
    marks.push(
      sql`select ${c.rule}, 'a', ${c.subsystem}, ${c.component}, ${w.loUs}, ${c.fromUs}, ${end}, cast(${c.eventId} as varchar)`,
    );
  }
  const parts: Sql[] = [];
  const ctes: Sql[] = [];
  if (def.rules.length > 0) {
    const key = sql`partition by rule, subsystem, component`;
    ctes.push(
      sql`marks as (${sql.join(marks, sql` union all `)})`,
      // Each assertion lasts until its `for` runs out or the next recovery of its rule, whichever first.
      sql`nr as (select *, min(case when mk = 'r' then t end) over (${key} order by t, mk rows between 1 following and unbounded following) as next_r from marks)`,
      sql`iv as (select rule, subsystem, component, s as f,
        case when e is null then next_r when next_r is null then e else least(e, next_r) end as u, eid
        from nr where mk = 'a')`,
      sql`iv2 as (select *, max(coalesce(u, ${BIG})) over (${key} order by f, u rows between unbounded preceding and 1 preceding) as pm
        from iv where u is null or u > f)`,
      sql`iv3 as (select *, sum(case when pm is null or f > pm then 1 else 0 end) over (${key} order by f, u rows unbounded preceding) as island from iv2)`,
    );
    parts.push(sql`select rule, subsystem, component, min(f) as from_us,
      case when max(coalesce(u, ${BIG})) = ${BIG} then ${nullInt} else max(u) end as to_us, ${d.argMin(col('eid'), col('f'))} as event_id
      from iv3 group by rule, subsystem, component, island`);
  }
  const beats = Object.values(def.subsystems).filter((s) => s.heartbeat);
  if (beats.length > 0) {
    const subs = beats.map((s) => s.name);
    const declared = lastBeats(def, w).map(([sub, comp, t]) => sql`(${sub}, ${comp}, ${t})`);
    const declaredCte = declared.length
      ? sql`select * from (values ${sql.join(declared)}) as v(subsystem, component, t)`
      : sql`select cast(null as varchar) as subsystem, cast(null as varchar) as component, cast(null as bigint) as t where false`;
    const params = beats.map(
      (s) => sql`(${s.name}, ${s.heartbeat!.staleAfterUs}, ${w.horizonUs[s.name] ?? w.loUs})`,
    );
    ctes.push(
      sql`decl as (${declaredCte})`,
      // A component never declared (nor carried) counts from its first event.
      sql`hb as (
        select subsystem, component, ${T} as t from ${col('events')}
          where ${inRange} and (${sql.join(
            beats.map((s) => matchSql(d, s.heartbeat!.match)),
            sql` or `,
          )})
        union all select subsystem, component, t from decl
        union all select e.subsystem, e.component, min(${d.epochUs(sql.id('e', 'ts'))}) from ${col('events')} e
          left join decl on decl.subsystem = e.subsystem and decl.component = e.component
          where ${sql.id('e', 'ts')} >= ${sql.ts(w.loUs)} and ${sql.id('e', 'ts')} < ${sql.ts(w.hiUs)}
            and e.subsystem in (${sql.list(subs)}) and decl.component is null
          group by e.subsystem, e.component)`,
      sql`gaps as (select subsystem, component, t, lead(t) over (partition by subsystem, component order by t) as nt from hb)`,
      sql`hp as (select * from (values ${sql.join(params)}) as v(subsystem, stale_us, horizon_us))`,
    );
    parts.push(sql`select 'heartbeat' as rule, g.subsystem, g.component, g.t + hp.stale_us as from_us, g.nt as to_us,
        cast(null as varchar) as event_id
      from gaps g join hp on hp.subsystem = g.subsystem
      where coalesce(g.nt, hp.horizon_us) - g.t > hp.stale_us and g.t + hp.stale_us < hp.horizon_us`);
  }
  if (parts.length === 0) return sql`select 1 where false`;
  return sql`with ${sql.join(ctes)} ${sql.join(parts, sql` union all `)}`;
}
