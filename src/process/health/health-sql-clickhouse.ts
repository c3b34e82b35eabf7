// The health evidence query for ClickHouse, in the SQL Debian's 18.16 runs: no window functions
// and no table CTEs, so the steps that evidenceSql (health-sql.ts) does with lead and running
// min/max/sum are done on arrays, one array per rule and target (or per heartbeat component).
// Same rows as on DuckDB (a conformance test compares them):
// - the next recovery after each assertion: marks sorted by (t, mk) with 'a' before 'r', the
//   running count of recoveries before an assertion indexes the sorted recovery times;
// - islands: a sweep over the intervals' start and end points (starts first at equal times, so
//   touching intervals merge), whose running depth returns to 0 where an island ends;
// - heartbeat gaps: each beat with the next one in the sorted beat times.
// The match predicates, targets and `since` expressions are shared with DuckDB.
import type { Dialect } from '../../warehouse/dialect.ts';
import { type Sql, sql } from '../../warehouse/sql.ts';
import type { HealthDef } from './definition.ts';
import { type EvidenceWindow, lastBeats, matchSql, sinceSql, targetSql } from './health-sql.ts';

const col = (name: string) => sql.id(name);
/** Stands for "still holds" while sorting ends; typed, as 18.16 finds no supertype with a UInt64 literal. */
const BIG = sql`toInt64(9000000000000000)`;
const i64 = (n: number) => sql`toInt64(${n})`;
const NULL_I64 = sql`CAST(NULL AS Nullable(Int64))`;
const NULL_STR = sql`CAST(NULL AS Nullable(String))`;

/** Rows: rule, subsystem, component ('' for subsystem scope), from_us, to_us (NULL: still holds), event_id. */
export function clickhouseEvidenceSql(d: Dialect, def: HealthDef, w: EvidenceWindow): Sql {
  const ts = col('ts');
  const inRange = sql`${ts} >= ${sql.ts(w.loUs)} and ${ts} < ${sql.ts(w.hiUs)}`;
  const parts: Sql[] = [];
  if (def.rules.length > 0) parts.push(ruleIntervals(d, def, w, inRange));
  const beats = Object.values(def.subsystems).filter((s) => s.heartbeat);
  if (beats.length > 0) parts.push(heartbeatGaps(d, def, w, inRange));
  if (parts.length === 0)
    return sql`select '' as rule, '' as subsystem, '' as component, toInt64(0) as from_us,
      ${NULL_I64} as to_us, ${NULL_STR} as event_id limit 0`;
  return sql.join(parts, sql` union all `);
}

function ruleIntervals(d: Dialect, def: HealthDef, w: EvidenceWindow, inRange: Sql): Sql {
  // The target is not called `component` here: ClickHouse would read the match's `component`
  // (the event's own) as that alias.
  const marks: Sql[] = [];
  for (const r of def.rules) {
    const target = targetSql(d, r.scope, r.targetAttr);
    const end =
      r.forUs === undefined ? NULL_I64 : sql`CAST(${col('ts')} + ${i64(r.forUs)} AS Nullable(Int64))`;
    marks.push(sql`select ${r.name} as rule, 'a' as mk, subsystem, assumeNotNull(${target}) as target,
      ${col('ts')} as t, toInt64(${col('ts')} - ${sinceSql(d, r, w.maxSinceUs)}) as s, ${end} as e,
      CAST(id AS Nullable(String)) as eid
      from ${col('events')} where ${inRange} and ${matchSql(d, r.match)} and ${target} is not null`);
  }
  for (const rec of def.recoveries) {
    const target = targetSql(d, rec.scope, rec.targetAttr);
    for (const name of rec.clears) {
      marks.push(sql`select ${name} as rule, 'r' as mk, subsystem, assumeNotNull(${target}) as target,
        ${col('ts')} as t, toInt64(0) as s, ${NULL_I64} as e, ${NULL_STR} as eid
        from ${col('events')} where ${inRange} and ${matchSql(d, rec.match)} and ${target} is not null`);
    }
  }
  const forOf = new Map(def.rules.map((r) => [r.name, r.forUs]));
  for (const c of w.carried) {
    if (!forOf.has(c.rule)) continue;
    // Held up to the context's start; a rule without `for` until its next recovery.
    const end = forOf.get(c.rule) === undefined ? NULL_I64 : sql`CAST(${i64(w.loUs)} AS Nullable(Int64))`;
    marks.push(
      sql`select ${c.rule}, 'a', ${c.subsystem}, ${c.component}, ${i64(w.loUs)}, ${i64(c.fromUs)}, ${end},
        CAST(${c.eventId} AS Nullable(String))`,
    );
  }
  // Per rule and target: marks sorted by (t, mk), so an assertion precedes a recovery at its time.
  // recs: the recovery times; nrec: recoveries up to each mark; for an assertion, recs[nrec + 1]
  // is its next recovery. Interval (f, u, eid): until `for` runs out or that recovery, whichever
  // first (NULL: still holds); empty ones are dropped, open ones end at BIG for the sweep.
  const grouped = sql`select rule, subsystem, target,
      arraySort(groupArray((t, mk, s, e, eid))) as ms,
      arrayMap(x -> x.1, arrayFilter(x -> x.2 = 'r', ms)) as recs,
      arrayCumSum(arrayMap(x -> toInt64(x.2 = 'r'), ms)) as nrec,
      arrayFilter((x, k) -> x.2 = 'a', ms, nrec) as am,
      arrayMap(k -> if(k < length(recs), CAST(recs[k + 1] AS Nullable(Int64)), ${NULL_I64}),
        arrayFilter((k, x) -> x.2 = 'a', nrec, ms)) as nx,
      arrayMap((x, n) -> (x.3, multiIf(isNull(x.4), n, isNull(n), x.4, x.4 < n, x.4, n), x.5), am, nx) as iv0,
      arraySort(arrayMap(x -> (x.1, ifNull(x.2, ${BIG}), x.3),
        arrayFilter(x -> isNull(x.2) or x.2 > x.1, iv0))) as iv,
      arraySort(arrayConcat(arrayMap(x -> (x.1, toUInt8(0)), iv), arrayMap(x -> (x.2, toUInt8(1)), iv))) as pts,
      arrayCumSum(arrayMap(p -> if(p.2 = 0, toInt64(1), toInt64(-1)), pts)) as depth,
      arrayMap(p -> p.1, arrayFilter((p, dp) -> p.2 = 0 and dp = 1, pts, depth)) as begins,
      arrayMap(p -> p.1, arrayFilter((p, dp) -> p.2 = 1 and dp = 0, pts, depth)) as ends,
      arrayMap((b, en) -> arrayFirst(x -> x.1 >= b and x.1 < en and isNotNull(x.3), iv).3, begins, ends) as eids
    from (${sql.join(marks, sql` union all `)})
    group by rule, subsystem, target`;
  // One row per island: its first start, its end (NULL when still open) and the earliest evidence.
  return sql`select rule, subsystem, target as component, b as from_us,
      if(en = ${BIG}, ${NULL_I64}, CAST(en AS Nullable(Int64))) as to_us, ev as event_id
    from (${grouped}) array join begins as b, ends as en, eids as ev`;
}

function heartbeatGaps(d: Dialect, def: HealthDef, w: EvidenceWindow, inRange: Sql): Sql {
  const beats = Object.values(def.subsystems).filter((s) => s.heartbeat);
  const subs = beats.map((s) => s.name);
  const declared = lastBeats(def, w);
  const hb: Sql[] = [
    sql`select subsystem, component, ${col('ts')} as t from ${col('events')}
      where ${inRange} and (${sql.join(
        beats.map((s) => matchSql(d, s.heartbeat!.match)),
        sql` or `,
      )})`,
    ...declared.map(([sub, comp, t]) => sql`select ${sub}, ${comp}, ${i64(t)}`),
  ];
  // A component never declared (nor carried) counts from its first event.
  const undeclared = declared.length
    ? sql`and tuple(subsystem, component) not in (${sql.join(declared.map(([sub, comp]) => sql`tuple(${sub}, ${comp})`))})`
    : sql``;
  hb.push(sql`select subsystem, component, min(${col('ts')}) from ${col('events')}
    where ${inRange} and subsystem in (${sql.list(subs)}) ${undeclared}
    group by subsystem, component`);
  const perSub = (pick: (s: (typeof beats)[number]) => number) =>
    sql`multiIf(${sql.join(
      beats.map((s) => sql`subsystem = ${s.name}, ${i64(pick(s))}`),
      sql`, `,
    )}, toInt64(0))`;
  const stale = perSub((s) => s.heartbeat!.staleAfterUs);
  const horizon = perSub((s) => w.horizonUs[s.name] ?? w.loUs);
  // Each beat with the next one of its component (NULL after the last), as lead(t) would.
  const gaps = sql`select subsystem, component, t,
      if(i < length(ts), CAST(ts[i + 1] AS Nullable(Int64)), ${NULL_I64}) as nt
    from (select subsystem, component, arraySort(groupArray(t)) as ts
      from (${sql.join(hb, sql` union all `)}) where subsystem in (${sql.list(subs)})
      group by subsystem, component)
    array join ts as t, arrayEnumerate(ts) as i`;
  return sql`select 'heartbeat' as rule, subsystem, component, toInt64(t + stale_us) as from_us, nt as to_us,
      ${NULL_STR} as event_id
    from (select subsystem, component, t, nt, ${stale} as stale_us, ${horizon} as horizon_us from (${gaps}))
    where ifNull(nt, horizon_us) - t > stale_us and t + stale_us < horizon_us`;
}
