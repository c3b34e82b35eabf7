// The set-based half of link inference (parameter-value correspondence, after Lou et al. 2010):
// `link_values` holds, for one window of event time, every id-like field of every subsystem
// with each distinct value and when (and in which event type) it first appeared. Id-like means:
// many distinct values that each recur only a few times (unlike level, status or zone), written
// as text (a JSON number is a measurement or counter), and shaped like an identifier (not free
// text, not a timestamp, not a float). The queries below then compare value sets pairwise.
import type { Dialect } from '../../warehouse/dialect.ts';
import { type Sql, sql } from '../../warehouse/sql.ts';
import { fieldRowsSql, hash01, isNumberSql, valueClassSql } from '../catalog/catalog-dialect.ts';

export const LINK_VALUES = sql.id('link_values');

export interface LinkWindow {
  fromUs: number;
  toUs: number;
}

export const ID_RULES = {
  /** Distinct values a field needs in the window. */
  minDistinct: 50,
  /** Distinct values per occurrence: an id recurs a few times, a status thousands. */
  minDistinctShare: 0.05,
  /** Share of values that must look like identifiers. */
  idShare: 0.95,
};

const ID_CLASSES = ['int', 'string', 'uuid', 'ip'];
const id = sql.id;

/** Statement: (re)builds link_values for the window. */
export function linkValuesSql(d: Dialect, w: LinkWindow): Sql {
  const fr = fieldRowsSql(d, {
    where: sql`e.ts >= ${sql.ts(w.fromUs)} and e.ts < ${sql.ts(w.toUs)}`,
    columns: false,
  });
  return sql`create or replace table ${LINK_VALUES} as
    with g as (
      select subsystem, field, value, jtype, min(ts_us) as t, ${d.argMin(id('type'), sql`(ts_us, type)`)} as ty, count(*) as n
      from (${fr}) as r where value is not null and value <> '' group by subsystem, field, value, jtype
    ), c as (
      select *, coalesce(${valueClassSql(d, id('value'), id('jtype'))} in (${sql.list(ID_CLASSES)}), false) as idl,
        ${isNumberSql(id('jtype'))} as num from g
    ), ff as (
      select subsystem, field from c group by subsystem, field
      having count(distinct value) >= ${ID_RULES.minDistinct}
        and count(distinct value) >= ${ID_RULES.minDistinctShare} * sum(n)
        and sum(case when num then 1 else 0 end) = 0
        and sum(case when idl then 1 else 0 end) >= ${ID_RULES.idShare} * count(*)
    )
    select c.subsystem, c.field, c.value, min(c.t) as t, ${d.argMin(id('c', 'ty'), sql`(c.t, c.ty)`)} as ty, sum(c.n) as n
    from c join ff on c.subsystem = ff.subsystem and c.field = ff.field
    group by c.subsystem, c.field, c.value`;
}

const PAIRS = sql`select a.subsystem as sa, a.field as fa, b.subsystem as sb, b.field as fb, a.value as value,
    a.t as ta, b.t as tb, a.ty as tya, b.ty as tyb
  from ${LINK_VALUES} as a join ${LINK_VALUES} as b on a.value = b.value and a.subsystem < b.subsystem`;

/**
 * Query: per pair of (subsystem, field) sharing values: counts, order and delays. (The type a
 * side's values most often first appear in comes from typeCountsSql: DuckDB's mode() breaks ties
 * by scan order.) A value's first type at one instant is the smaller name, on every engine.
 */
export function pairStatsSql(d: Dialect, alignUs: number): Sql {
  const aligned = sql`abs(tb - ta) <= ${alignUs}`;
  const delay = sql`case when ${aligned} then tb - ta end`;
  return sql`select sa, fa, sb, fb, count(*) as shared,
      sum(case when ${aligned} then 1 else 0 end) as aligned,
      sum(case when ${aligned} and ta < tb then 1 else 0 end) as a_first,
      sum(case when ${aligned} and tb < ta then 1 else 0 end) as b_first,
      ${d.quantile(delay, 0.5)} as p50, ${d.quantile(delay, 0.05)} as p05, ${d.quantile(delay, 0.95)} as p95
    from (${PAIRS}) as p group by sa, fa, sb, fb`;
}

/** Query: per pair, how often each event type holds one side's first appearance (modesByPair picks). */
export function typeCountsSql(side: 'tya' | 'tyb'): Sql {
  return sql`select sa, fa, sb, fb, ${id(side)}, count(*) as c from (${PAIRS}) as p group by sa, fa, sb, fb, ${id(side)}`;
}

/** Query: distinct values and occurrences per id-like field. */
export const fieldStatsSql = sql`select subsystem, field, count(*) as distinct_values, sum(n) as occurrences
  from ${LINK_VALUES} group by subsystem, field`;

/**
 * Query: per pair and third subsystem Y, how many aligned shared values Y saw between the pair's
 * two first appearances (Y relays them, or the pair only shares them through Y).
 */
export function betweenSql(alignUs: number): Sql {
  return sql`with sv as (select subsystem, value, min(t) as t from ${LINK_VALUES} group by subsystem, value)
    select p.sa, p.fa, p.sb, p.fb, s.subsystem as y, count(*) as n
    from (${PAIRS}) as p join sv as s on s.value = p.value and s.subsystem <> p.sa and s.subsystem <> p.sb
      and s.t >= least(p.ta, p.tb) and s.t <= greatest(p.ta, p.tb)
    where abs(p.tb - p.ta) <= ${alignUs}
    group by p.sa, p.fa, p.sb, p.fb, s.subsystem`;
}

/** Query: up to `n` example shared values per pair (a uniform pick by hash), with their times. */
export function examplesSql(d: Dialect, alignUs: number, n: number): Sql {
  return sql`select sa, fa, sb, fb, value, ta, tb from (
      select *, row_number() over (partition by sa, fa, sb, fb order by ${hash01(d, id('value'))}, value) as rn
      from (${PAIRS}) as p where abs(tb - ta) <= ${alignUs}) as x
    where rn <= ${n} order by sa, fa, sb, fb, rn`;
}
