// Incremental flow processing: each run reads only the events committed since the last run (by
// received_at, with a margin for commits that land late), maps them to (alert, step) through the
// bridged ids seen so far (flow_keys), merges them into the stored steps and recomputes only the
// alerts they touched plus those whose deadline or horizon may have passed (in event time). The
// state logic is instancesSql's, fed from flow_steps instead of the events. Everything, including
// the read position, changes in one transaction, and every merge is idempotent (the earliest time
// per step wins), so a crash or a re-read of the same events never double counts.
//
// Cost per run follows the new events: margin events an earlier run already took are skipped by
// id (a temp table on the connection these runs use; lost on restart, then simply re-read), and the stored
// rows are found through the touched alerts' (root, root_us) from one pass over flow_alerts, so the
// scans of flow_steps and flow_hops skip (zone maps) the blocks outside those alerts' start times.
//
// Bounded work per run: at most `maxEvents` new events (the rest waits for the next run:
// `deferred`), at most `maxTimers` alerts re-checked for time outs (`overflow`), and at most
// `maxPending` step events waiting for their bridge (older than the horizon: `dropped`).
import { type Sql, sql } from '../../warehouse/sql.ts';
import type { Warehouse } from '../../warehouse/warehouse.ts';
import { correctedUs } from './clock.ts';
import type { FlowDef, FlowStep } from './definition.ts';
import { hopRowsSql, insertAlertsSql, stepRowsSql } from './flow-processor.ts';
import { instancesSql, matchSql } from './flow-sql.ts';

export interface IncrementalOptions {
  idleUs: number;
  skewUs: number;
  lagging?: readonly string[];
  /** Events committed this much before the last run's newest received_at are read again. */
  marginUs?: number;
  maxEvents?: number;
  maxTimers?: number;
  maxPending?: number;
}

export interface IncrementalResult {
  flow: string;
  /** New events read this run (all kinds). */
  events: number;
  /** Alerts recomputed. */
  alerts: number;
  nowUs?: number;
  /** Cumulative: runs that left events for later, timer checks put off, step events dropped unlinked. */
  deferred: number;
  overflow: number;
  dropped: number;
  pending: number;
}

const id = sql.id;
const T = {
  cand: id('flow_inc_cand'),
  res: id('flow_inc_res'),
  pairs: id('flow_inc_pairs'),
  dirty: id('flow_inc_dirty'),
  fresh: id('flow_inc_fresh'),
  old: id('flow_inc_old'),
  events: id('flow_inc_events'),
  work: id('flow_inc_work'),
  known: id('flow_inc_known'),
  gone: id('flow_inc_gone'),
  stored: id('flow_inc_stored'),
  seen: id('flow_inc_seen'),
  stepsNew: id('flow_inc_steps_new'),
  stepsDel: id('flow_inc_steps_del'),
  stepsAdd: id('flow_inc_steps_add'),
};

export async function processIncrement(
  warehouse: Warehouse,
  flow: FlowDef,
  o: IncrementalOptions,
): Promise<IncrementalResult> {
  const d = warehouse.sqlDialect;
  const f = flow.name;
  const marginUs = o.marginUs ?? 3e6;
  // A run's temp tables and joins must fit DuckDB's buffer pool (256 MB by default, database.ts):
  // 1.4M events in one run failed to pin blocks there, 250k runs in about 5 s on 2 cores.
  const maxEvents = o.maxEvents ?? 250_000;
  const [prog] = await warehouse.query(
    sql`select received_us, now_us, dropped, overflow, deferred from ${id('flow_progress')} where flow = ${f}`,
  );
  let sinceUs = prog ? Number(prog.received_us) - marginUs : 0;
  const rus = d.epochUs(id('received_at'));
  const us = correctedUs(d, flow.clock);
  const prevPos = prog ? Number(prog.received_us) : Number.MAX_SAFE_INTEGER;
  const headSql = () =>
    sql`select count(*) as n, max(${rus}) as r, max(${us}) as u, min(${us}) as lo,
      sum(case when received_at < ${sql.ts(prevPos)} then 1 else 0 end) as m
      from ${id('events')} where received_at >= ${sql.ts(sinceUs)}`;
  let [head] = await warehouse.query(headSql());
  // A widened margin holding more than half of what a run may read could cut the run below its
  // last position (and the next one lower again): such a run keeps the usual 3 s.
  if (prog && marginUs > 3e6 && Number(head?.m ?? 0) > maxEvents / 2) {
    sinceUs = prevPos - 3e6;
    [head] = await warehouse.query(headSql());
  }
  let untilUs = head?.r === null || head?.r === undefined ? undefined : Number(head.r);
  let deferred = Number(prog?.deferred ?? 0);
  if (untilUs !== undefined && Number(head!.n) > maxEvents) {
    const [cut] = await warehouse.query(
      sql`select ${rus} as r from ${id('events')} where received_at >= ${sql.ts(sinceUs)} order by received_at limit 1 offset ${maxEvents}`,
    );
    // Rows sharing that received_at (one source batch) come along, so a run always moves on.
    untilUs = Number(cut!.r);
    deferred++;
    // Event time reaches only as far as what this run reads (else the rest would look overdue).
    const [upTo] = await warehouse.query(
      sql`select max(${us}) as u from ${id('events')} where received_at >= ${sql.ts(sinceUs)} and received_at <= ${sql.ts(untilUs)}`,
    );
    if (head) head.u = upTo?.u ?? null;
  }
  const prevNow = prog ? Number(prog.now_us) : undefined;
  const newNow = head?.u === null || head?.u === undefined ? undefined : Number(head.u);
  const nowUs = Math.max(prevNow ?? Number.NEGATIVE_INFINITY, newNow ?? Number.NEGATIVE_INFINITY);
  const base = {
    flow: f,
    events: 0,
    alerts: 0,
    deferred,
    overflow: Number(prog?.overflow ?? 0),
    dropped: Number(prog?.dropped ?? 0),
    pending: 0,
  };
  if (untilUs === undefined || !Number.isFinite(nowUs)) return { ...base, nowUs: prevNow };

  const recv = sql`received_at >= ${sql.ts(sinceUs)} and received_at <= ${sql.ts(untilUs)}`;
  // Alerts a run can touch started at most two horizons (plus skew) before its oldest new event or
  // its event-time now (the same reach as a late step in the batch path): derived rows older than
  // that are never read, so a run's cost follows the window, not the history kept.
  const loUs = Math.min(Number(head!.lo ?? nowUs), nowUs) - 2 * flow.horizonUs - o.skewUs;
  // Every read and delete of a stored table says so explicitly, so the zone maps skip older blocks
  // however long the kept history is.
  const recent = sql`root_us >= ${loUs}`;
  const key = (k: string) => d.mapValue(id('keys'), k);
  const rootKey = flow.steps[0]!.key;
  const bridges = new Map<string, string>();
  for (const st of flow.steps) if (st.out !== st.key && !bridges.has(st.out)) bridges.set(st.out, st.key);
  const anyStep = sql.join(
    flow.steps.map((st) => matchSql(d, st.match)),
    sql` or `,
  );

  const stepRows = flow.steps.map(
    (
      st,
    ) => sql`select ${st.index} as si, ${st.key} as kn, ${key(st.key)} as v, us, ${id('component')} as c, ${id('id')} as e
      from ${T.events} where ${matchSql(d, st.match)} and ${key(st.key)} is not null`,
  );
  const pairRows = [...bridges].map(
    ([k, to]) => sql`select ${k} as k, ${key(k)} as v, ${key(to)} as p, us
      from ${T.events} where (${anyStep}) and ${key(k)} is not null and ${key(to)} is not null`,
  );
  const keyInserts = [...bridges].map(([k, to]) => {
    const root = to === rootKey ? sql`min(x.p)` : sql`min(fk.root)`;
    const join =
      to === rootKey
        ? sql``
        : sql`left join ${id('flow_keys')} as fk on fk.flow = ${f} and fk.key = ${to} and fk.v = x.p`;
    return sql`insert into ${id('flow_keys')}
      select ${f}, ${k}, x.v, ${root}, min(x.us) from ${T.pairs} as x ${join}
      where x.k = ${k} and not exists (select 1 from ${id('flow_keys')} as z where z.flow = ${f} and z.key = ${k} and z.v = x.v)
      group by x.v having ${root} is not null`;
  });
  // Event-time progress of this run's events, overall (-1) and per step's subsystem: one scan,
  // one row, unnested into (si, w_us).
  const markValues = [
    sql`max(us)`,
    ...flow.steps.map((st) => {
      const sub = typeof st.match.subsystem === 'string' ? st.match.subsystem : undefined;
      return sub === undefined ? sql`max(us)` : sql`max(case when ${id('subsystem')} = ${sub} then us end)`;
    }),
  ];
  const marks = sql`select unnest([${sql.join([-1, ...flow.steps.map((st) => st.index)].map((i) => sql`${i}`))}]) as si,
      unnest([${sql.join(markValues)}]) as w_us from ${T.events}`;
  const maxTimers = o.maxTimers ?? 500_000;
  const due = sql`(state = 'in_flight' and root_us <= ${nowUs - flow.deadlineUs}) or (state = 'stuck' and root_us <= ${nowUs - flow.horizonUs})`;
  const fromSteps = (st: FlowStep) =>
    sql`select s.root as root, s.t as t, s.c as c, s.e as e from ${T.stored} as s
        where s.si = ${st.index} and s.root in (select root from ${T.dirty})
      union all select root, us as t, c, e from ${T.fresh} where si = ${st.index}`;
  const pivot = sql.join(
    flow.steps.map((st) => sql`max(case when si = ${st.index} then w_us end) as ${id(`w${st.index}`)}`),
  );
  const work = instancesSql(
    d,
    flow,
    {
      fromUs: Number.MIN_SAFE_INTEGER,
      toUs: Number.MAX_SAFE_INTEGER,
      nowUs,
      idleUs: o.idleUs,
      skewUs: o.skewUs,
      lagging: o.lagging,
    },
    { step: fromSteps, marks: sql`select ${pivot} from ${id('flow_marks')} where flow = ${f}` },
  );
  const unresolved = sql`${T.res} where root is null`;
  const stale = sql`us < ${nowUs - flow.horizonUs}`;
  const maxPending = o.maxPending ?? 1_000_000;

  // Events inside the re-read margin that an earlier run already took are skipped (`seen`: their
  // ids, kept on the runner's connection for the margin, appended and trimmed each run). Only an
  // optimisation: re-reading them would change nothing. The set holds for the read position it was
  // kept up to (a marker row with an empty id): after a restart (a new connection has none) or a
  // moved read position it is cleared first, and all are read again.
  const prevUs = prog ? Number(prog.received_us) : undefined;
  const keepFromUs = untilUs - marginUs;
  const unseen =
    prevUs === undefined
      ? sql``
      : sql`and not exists (select 1 from ${T.seen} as z
          where z.flow = ${f} and z.id = ev.${id('id')} and z.r = ${d.epochUs(sql.id('ev', 'received_at'))})`;

  const statements: Sql[] = [
    sql`create temp table if not exists ${T.seen} (flow varchar not null, id varchar not null, r bigint not null)`,
    sql`delete from ${T.seen} where flow = ${f}${
      prevUs === undefined
        ? sql.empty
        : sql` and not exists (select 1 from ${T.seen} as m where m.flow = ${f} and m.id = '' and m.r = ${prevUs})`
    }`,
    // One scan of the new events; everything below reads this copy.
    sql`create or replace temp table ${T.events} as select ${id('id')}, subsystem, component, kind, type, keys, attrs, ${us} as us, ${rus} as r
      from ${id('events')} as ev where ${recv} ${unseen}`,
    sql`create or replace temp table ${T.cand} as ${sql.join(stepRows, sql` union all `)}
      union all select si, kn, v, us, c, e from ${id('flow_pending')} where flow = ${f}`,
    ...(pairRows.length
      ? [
          sql`create or replace temp table ${T.pairs} as ${sql.join(pairRows, sql` union all `)}`,
          ...keyInserts,
        ]
      : []),
    sql`create or replace temp table ${T.res} as select x.si, x.kn, x.v, x.us, x.c, x.e,
        case when x.kn = ${rootKey} then x.v else k.root end as root
      from ${T.cand} as x left join ${id('flow_keys')} as k on k.flow = ${f} and k.key = x.kn and k.v = x.v`,
    sql`delete from ${id('flow_pending')} where flow = ${f}`,
    sql`insert into ${id('flow_pending')} select ${f}, si, kn, v, us, c, e from (
        select distinct si, kn, v, us, c, e from ${unresolved} and not (${stale}) order by us desc limit ${maxPending}) as p`,
    // The stored alerts this run may touch, from one pass over the window of flow_alerts (one row
    // per alert): those of the new steps, and those whose deadline or horizon has passed in event
    // time ("due", re-checked, at most maxTimers). Their (root, root_us) then find their steps and
    // hops: a join on root_us lets the engine skip the stored blocks outside their time range.
    sql`create or replace temp table ${T.known} as select root, root_us, (${due}) as due from ${id('flow_alerts')}
      where flow = ${f} and ${recent} and (${due} or root in (select root from ${T.res} where root is not null))`,
    sql`create or replace temp table ${T.stored} as select s.root, s.root_us as ru, s.step_index as si, s.t_us as t, s.component as c, s.event_id as e
      from ${id('flow_steps')} as s where s.flow = ${f} and s.root_us >= ${loUs} and (s.root, s.root_us) in (select root, root_us from ${T.known})`,
    // Only step times that are new or earlier than the stored ones change an alert (events read
    // again do not).
    sql`create or replace temp table ${T.fresh} as select x.root, x.si, x.us, x.c, x.e from ${T.res} as x
      where x.root is not null and not exists (select 1 from ${T.stored} as s
        where s.root = x.root and s.si = x.si and s.t <= x.us)`,
    // A step of an alert that started before the window (more than two horizons earlier) is too
    // late to count, as in the batch path: counted as dropped, never a second row for that alert.
    sql`create or replace temp table ${T.old} as select distinct x.root from ${T.fresh} as x
      where exists (select 1 from ${id('flow_alerts')} as a where a.flow = ${f} and a.root = x.root and a.root_us < ${loUs})`,
    sql`delete from ${T.fresh} where root in (select root from ${T.old})`,
    sql`create or replace temp table ${T.dirty} as select distinct root from ${T.fresh}
      union select root from (select root from ${T.known} where due order by root_us limit ${maxTimers}) as tm`,
    sql`create or replace temp table ${T.gone} as select root, root_us from ${T.known} where root in (select root from ${T.dirty})`,
    sql`create or replace temp table ${T.work} as select si, max(w_us) as w_us from (
        select si, w_us from ${id('flow_marks')} where flow = ${f} union all select si, w_us from (${marks}) as m where w_us is not null
      ) as a group by si`,
    sql`delete from ${id('flow_marks')} where flow = ${f}`,
    sql`insert into ${id('flow_marks')} select ${f}, si, w_us from ${T.work}`,
    sql`create or replace temp table ${T.work} as ${work}`,
    // The recomputed alerts replace their rows; their steps and hops change only where a step
    // did (new, earlier, or gone), so only those rows are written: most touched alerts gained
    // one step, and rewriting all their steps and hops was most of a run.
    sql`delete from ${id('flow_alerts')} where flow = ${f} and ${recent} and (root, root_us) in (select root, root_us from ${T.gone})`,
    insertAlertsSql(flow, T.work),
    sql`create or replace temp table ${T.stepsNew} as select * from (${stepRowsSql(flow, T.work)})
      as n(flow, root, root_us, step, si, t, c, e)`,
    sql`create or replace temp table ${T.stepsDel} as select o.root, o.ru as root_us, o.si from ${T.stored} as o
      where (o.root, o.ru) in (select root, root_us from ${T.gone})
        and not exists (select 1 from ${T.stepsNew} as n where ${sameStep('n', 'o', 'ru')})`,
    sql`create or replace temp table ${T.stepsAdd} as select * from ${T.stepsNew} as n
      where not exists (select 1 from ${T.stored} as o where ${sameStep('n', 'o', 'ru')})`,
    sql`delete from ${id('flow_steps')} where flow = ${f} and ${recent} and (root, root_us, step_index) in (select root, root_us, si from ${T.stepsDel})`,
    sql`insert into ${id('flow_steps')} select * from ${T.stepsAdd}`,
    ...hopStatements(flow, T, recent),
    sql`delete from ${id('flow_keys')} where flow = ${f} and t_us < ${nowUs - 2 * flow.horizonUs - o.skewUs}`,
    sql`create or replace temp table ${T.cand} as select
        ${prog ? Number(prog.dropped) : 0} + (select count(distinct e) from ${unresolved} and ${stale})
          + (select count(*) from ${T.old}) as dropped,
        ${prog ? Number(prog.overflow) : 0} + greatest((select count(*) from ${T.known} where due) - ${maxTimers}, 0)
          + greatest((select count(distinct e) from ${unresolved} and not (${stale})) - ${maxPending}, 0) as overflow`,
    sql`delete from ${T.seen} where flow = ${f} and (r < ${keepFromUs} or id = '')`,
    sql`insert into ${T.seen} select ${f}, ${id('id')}, r from ${T.events} where r >= ${keepFromUs}
      union all select ${f}, '', ${untilUs}`,
    sql`delete from ${id('flow_progress')} where flow = ${f}`,
    sql`insert into ${id('flow_progress')} select ${f}, ${untilUs}, ${nowUs}, dropped, overflow, ${deferred},
      (select count(*) from ${T.dirty}) from ${T.cand}`,
    // Temp tables count toward DuckDB's memory limit between runs too: all go.
    sql`drop table ${T.cand}`,
    sql`drop table ${T.res}`,
    sql`drop table ${T.work}`,
    sql`drop table ${T.dirty}`,
    sql`drop table ${T.fresh}`,
    sql`drop table ${T.old}`,
    sql`drop table ${T.events}`,
    sql`drop table ${T.known}`,
    sql`drop table ${T.gone}`,
    sql`drop table ${T.stored}`,
    sql`drop table ${T.stepsNew}`,
    sql`drop table ${T.stepsDel}`,
    sql`drop table ${T.stepsAdd}`,
    ...(pairRows.length ? [sql`drop table ${T.pairs}`] : []),
  ];
  // Beside the ingest commits, not behind them (flow tables are this runner's alone): a long run
  // no longer holds up the rows it is waiting for.
  await warehouse.execute(statements, { beside: true });
  const [after] = await warehouse.query(
    sql`select p.dropped, p.overflow, p.touched, (select count(*) from ${id('flow_pending')} where flow = ${f}) as pending
      from ${id('flow_progress')} as p where p.flow = ${f}`,
  );
  return {
    ...base,
    events: Math.min(Number(head!.n), maxEvents),
    alerts: Number(after?.touched ?? 0),
    nowUs,
    dropped: Number(after?.dropped ?? 0),
    overflow: Number(after?.overflow ?? 0),
    pending: Number(after?.pending ?? 0),
  };
}

/** Predicate: step rows `a` (root_us) and `b` (root_us as `bru`) are the same row. */
function sameStep(a: string, b: string, bru: string): Sql {
  const c = (t: string, col: string) => sql.id(t, col);
  return sql`${c(a, 'root')} = ${c(b, 'root')} and ${c(a, 'root_us')} = ${c(b, bru)} and ${c(a, 'si')} = ${c(b, 'si')}
    and ${c(a, 't')} = ${c(b, 't')} and ${c(a, 'c')} is not distinct from ${c(b, 'c')} and ${c(a, 'e')} is not distinct from ${c(b, 'e')}`;
}

/**
 * A hop's row is a function of its two steps' rows: it goes when either step's row went (changed
 * or vanished), and is written when either step's row was written (a hop of two unchanged steps
 * stays as stored; one of a new step did not exist before).
 */
function hopStatements(flow: FlowDef, t: typeof T, recent: Sql): Sql[] {
  // Per alert, a bit per written step: one join instead of a lookup per hop and end.
  const added = sql`(select w.*, a.m from ${t.work} as w join (
      select root, root_us, bit_or(1::bigint << si) as m from ${t.stepsAdd} group by root, root_us
    ) as a on a.root = w.root and a.root_us = w.root_us) as wa`;
  const bit = (st: FlowStep) => sql`(m >> ${st.index}) & 1 = 1`;
  const inserts = hopRowsSql(flow, added, (from, to) => sql`${bit(from)} or ${bit(to)}`);
  if (!inserts) return [];
  const byName = sql`(select d.root, d.root_us, case ${sql.join(
    flow.steps.map((st) => sql`when d.si = ${st.index} then ${st.name}`),
    sql` `,
  )} end as step from ${t.stepsDel} as d)`;
  return [
    sql`delete from ${sql.id('flow_hops')} where flow = ${flow.name} and ${recent} and (root, root_us, from_step) in ${byName}`,
    sql`delete from ${sql.id('flow_hops')} where flow = ${flow.name} and ${recent} and (root, root_us, to_step) in ${byName}`,
    sql`insert into ${sql.id('flow_hops')} ${inserts}`,
  ];
}
