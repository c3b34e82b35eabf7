// Compilation: a (secured) plan becomes `sql` trees through the dataset's expressions and the
// Dialect hooks, never by splicing values into text: filter values, bounds and bucket widths are
// bound parameters, names are quoted identifiers taken from the dataset, never from the request.
// A masked dimension is read through its mask everywhere but in the row scope (which decides on
// the real value), so a masked field can be shown, grouped, filtered and sorted only as masked.
import { UserError } from '../events/errors.ts';
import type { Dialect } from '../warehouse/dialect.ts';
import { type Sql, sql } from '../warehouse/sql.ts';
import {
  type DatasetDef,
  type DimensionDef,
  type ExprContext,
  findDimension,
  type MeasureDef,
} from './dataset.ts';
import { GRAIN_US, type Granularity } from './definition.ts';
import { type FieldMask, maskedSql } from './field-masks.ts';
import { type Plan, type Predicate, predicateDimensions } from './plan.ts';
import { scopeSql } from './scope-sql.ts';

/** Monday 1970-01-05: weeks start on Mondays (the epoch was a Thursday). */
const WEEK_OFFSET_US = 4 * 86_400e6;

function dimension(ds: DatasetDef, name: string): DimensionDef {
  const d = findDimension(ds, name);
  // Plans come from validated definitions; an unknown name here is a bug, not user input.
  if (!d) throw new Error(`compile: dataset ${ds.name} has no dimension ${name}`);
  return d;
}

/** Floor of integer µs `e` to buckets of `b` µs starting at `offset`, in integer arithmetic. */
function bucket(e: Sql, grain: Granularity): Sql {
  const b = GRAIN_US[grain];
  const off = grain === 'week' ? WEEK_OFFSET_US : 0;
  return sql`(${e} - ((((${e} - ${off}) % ${b}) + ${b}) % ${b}))`;
}

/** The compile context: the dataset expressions' context plus the masks of the asking identity. */
interface Ctx extends ExprContext {
  masks: readonly FieldMask[];
}

/** A dimension as the asking identity sees it (masked or redacted when a mask says so). */
function dimExpr(ds: DatasetDef, ctx: Ctx, name: string, grain?: Granularity): Sql {
  const real = (n: string) => findDimension(ds, n)?.expr(ctx);
  const e = maskedSql(ctx.d, ds.name, name, dimension(ds, name).expr(ctx), ctx.masks, real);
  return grain ? bucket(e, grain) : e;
}

function predicate(ds: DatasetDef, ctx: Ctx, p: Predicate): Sql {
  switch (p.op) {
    case 'scope':
      // An unknown dimension matches nothing (fail closed); config checks report it at startup.
      // Scopes decide on the real value, whatever the identity sees of it.
      return scopeSql({ all: false, anyOf: p.anyOf }, (d) => findDimension(ds, d)?.expr(ctx));
    case 'segment': {
      const s = Object.hasOwn(ds.segments, p.name) ? ds.segments[p.name] : undefined;
      if (!s) throw new Error(`compile: dataset ${ds.name} has no segment ${p.name}`);
      return s.where(ctx);
    }
    case 'time': {
      const dim = dimension(ds, p.dimension);
      if (ds.interval && p.dimension === ds.time) {
        const from = sql`${sql.id('t', ds.interval.from)}`;
        const to = sql`${sql.id('t', ds.interval.to)}`;
        return sql`(${from} < ${p.toUs} and ${to} > ${p.fromUs})`;
      }
      const tc = dim.timeColumn;
      if (tc?.storage === 'timestamp')
        return sql`(${tc.column} >= ${sql.ts(p.fromUs)} and ${tc.column} < ${sql.ts(p.toUs)})`;
      const e = tc ? tc.column : dim.expr(ctx);
      return sql`(${e} >= ${p.fromUs} and ${e} < ${p.toUs})`;
    }
    case 'in':
      return p.values.length === 0
        ? sql`1 = 0`
        : sql`${dimExpr(ds, ctx, p.dimension)} in (${sql.list(p.values)})`;
    case 'contains':
      return ctx.d.containsIgnoreCase(dimExpr(ds, ctx, p.dimension), p.text);
    case 'range': {
      const e = dimExpr(ds, ctx, p.dimension);
      const parts: Sql[] = [];
      if (p.min !== undefined) parts.push(sql`${e} >= ${p.min}`);
      if (p.max !== undefined) parts.push(sql`${e} <= ${p.max}`);
      return sql`(${sql.join(parts, sql` and `)})`;
    }
  }
}

const QUANTILE = { p50: 0.5, p95: 0.95, p99: 0.99 } as const;

function measureExpr(
  ds: DatasetDef,
  ctx: Ctx,
  plan: Plan,
  m: MeasureDef,
  lookup: (name: string) => MeasureDef,
): Sql {
  const of = () => dimExpr(ds, ctx, m.of!);
  switch (m.agg) {
    case 'count':
      return sql`count(*)`;
    case 'count_distinct':
      // ClickHouse answers NULL, not 0, for a group whose values are all NULL (an absent
      // attribute or key); coalesce gives DuckDB's (and SQL's) 0 on both engines.
      return sql`coalesce(count(distinct ${of()}), 0)`;
    // Over no values sum/min/max are NULL on every engine (nullOverNone: ClickHouse needs a guard);
    // avg and the percentiles give NaN there, which cell() already turns into null.
    case 'sum':
      return ctx.d.nullOverNone(sql`sum(${of()})`, of());
    case 'avg':
      return sql`avg(${of()})`;
    case 'min':
      return ctx.d.nullOverNone(sql`min(${of()})`, of());
    case 'max':
      return ctx.d.nullOverNone(sql`max(${of()})`, of());
    case 'p50':
    case 'p95':
    case 'p99':
      return ctx.d.quantile(of(), QUANTILE[m.agg]);
    case 'rate': {
      const grain = plan.dimensions.find((d) => d.granularity)?.granularity;
      const spanUs = grain ? GRAIN_US[grain] : plan.range ? plan.range.toUs - plan.range.fromUs : undefined;
      if (!spanUs)
        throw new UserError('bad_request', 'this rate needs a time range: set the time filter', [
          { where: 'query', message: 'no time range', hint: 'pass a time_range filter value' },
        ]);
      const seconds = spanUs / 1e6 / (m.per === 'minute' ? 60 : 1);
      return sql`(count(*) / ${seconds})`;
    }
    case 'ratio': {
      const num = measureExpr(ds, ctx, plan, lookup(m.numerator!), lookup);
      const den = measureExpr(ds, ctx, plan, lookup(m.denominator!), lookup);
      return sql`(case when ${den} = 0 then null else ${num} * ${m.scale ?? 1} / ${den} end)`;
    }
  }
}

export interface CompiledReport {
  /** One page of the result, in order. */
  page: Sql;
  /** How many rows the result has, up to cap + 1 (more than cap: truncated). */
  count: Sql;
  /** The whole result up to cap, in order (exports). */
  all: Sql;
}

function joinsOf(ds: DatasetDef, names: Set<string>): Sql {
  return sql.join(
    [...names].map((n) => {
      const j = ds.joins[n]!;
      const on = j.on.map(([a, b]) => sql`${sql.id('t', a)} = ${sql.id(n, b)}`);
      return sql` left join ${sql.id(j.table)} as ${sql.id(n)} on ${sql.join(on, sql` and `)}`;
    }),
    sql``,
  );
}

/** The grouped query of a plan, ordered and cut at `limit`. */
export function resultQuery(plan: Plan, ds: DatasetDef, d: Dialect, limit: number): Sql {
  const ctx: Ctx = { d, range: plan.range, masks: plan.masks ?? [] };
  const lookup = (name: string): MeasureDef => {
    const m =
      plan.measures.find((x) => x.name === name) ??
      (Object.hasOwn(ds.measures, name) ? ds.measures[name] : undefined);
    if (!m) throw new Error(`compile: no measure ${name}`);
    return m;
  };
  const joins = new Set<string>();
  const need = (name: string | undefined) => {
    const j = name ? findDimension(ds, name)?.join : undefined;
    if (j) joins.add(j);
  };
  const dims = plan.dimensions.map((x) => {
    need(x.dimension);
    return { name: x.name, e: dimExpr(ds, ctx, x.dimension, x.granularity) };
  });
  const measures = plan.measures.map((m) => {
    need(m.of);
    return sql`${measureExpr(ds, ctx, plan, m, lookup)} as ${sql.id(m.name)}`;
  });
  for (const p of plan.where) for (const d of predicateDimensions(p)) if (findDimension(ds, d)) need(d);
  // Grouped under internal aliases, renamed outside: an expression with bound values cannot be
  // repeated in GROUP BY (each repetition gets new placeholders), and a result name may equal a
  // table column (`ts`), which GROUP BY would take for the column.
  const g = (i: number) => sql.id(`__g${i}`);
  const select = [...dims.map((x, i) => sql`${x.e} as ${g(i)}`), ...measures];
  const where = plan.where.length
    ? sql` where ${sql.join(
        plan.where.map((p) => predicate(ds, ctx, p)),
        sql` and `,
      )}`
    : sql``;
  const groupBy = dims.length ? sql` group by ${sql.join(dims.map((_, i) => g(i)))}` : sql``;
  const inner = sql`select ${sql.join(select)} from ${sql.id(ds.table)} as ${sql.id('t')}${joinsOf(ds, joins)}${where}${groupBy}`;
  const outer = [
    ...dims.map((x, i) => sql`${g(i)} as ${sql.id(x.name)}`),
    ...plan.measures.map((m) => sql`${sql.id(m.name)}`),
  ];
  return sql`select ${sql.join(outer)} from (${inner}) as ${sql.id('g')}${orderBy(plan)} limit ${limit}`;
}

function orderBy(plan: Plan): Sql {
  if (plan.order.length === 0) return sql``;
  return sql` order by ${sql.join(plan.order.map((o) => sql`${sql.id(o.column)} ${sql.keyword(o.dir === 'desc' ? 'desc nulls last' : 'asc nulls last')}`))}`;
}

export function compileReport(plan: Plan, ds: DatasetDef, d: Dialect): CompiledReport {
  const all = resultQuery(plan, ds, d, plan.cap);
  const count = sql`select count(*) as ${sql.id('n')} from (${resultQuery(plan, ds, d, plan.cap + 1)}) as ${sql.id('r')}`;
  const limit = Math.max(0, Math.min(plan.page.limit, plan.cap - plan.page.offset));
  const page = sql`select * from (${all}) as ${sql.id('r')}${orderBy(plan)} limit ${limit} offset ${plan.page.offset}`;
  return { page, count, all };
}

/** Values of one dimension with their row counts, under the given predicates (linked filters). */
export function valuesQuery(
  ds: DatasetDef,
  d: Dialect,
  dimensionName: string,
  where: readonly Predicate[],
  search: string | undefined,
  limit: number,
  masks: readonly FieldMask[] = [],
): Sql {
  const ctx: Ctx = { d, masks };
  const e = dimExpr(ds, ctx, dimensionName);
  const joins = new Set<string>();
  for (const n of [dimensionName, ...where.flatMap(predicateDimensions)]) {
    const j = findDimension(ds, n)?.join;
    if (j) joins.add(j);
  }
  const preds = [sql`${e} is not null`, ...where.map((p) => predicate(ds, ctx, p))];
  if (search) preds.push(d.containsIgnoreCase(e, search));
  const v = sql.id('__v');
  const inner = sql`select ${e} as ${v}, count(*) as ${sql.id('n')} from ${sql.id(ds.table)} as ${sql.id('t')}${joinsOf(ds, joins)} where ${sql.join(preds, sql` and `)} group by ${v}`;
  return sql`select ${v} as ${sql.id('value')}, ${sql.id('n')} from (${inner}) as ${sql.id('g')} order by ${sql.id('n')} desc, ${sql.id('value')} asc limit ${limit}`;
}
