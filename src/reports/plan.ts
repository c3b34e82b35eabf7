// Planning: a validated definition plus the request's filter values, sort and page become a
// frozen tree of plain objects (DESIGN.md convention 2). Everything the SQL will depend on is in
// the plan, so it doubles as a cache key; access control rewrites it (secure.ts) before compile.
import { UserError } from '../events/errors.ts';
import type { FilterDef, Granularity, MeasureRef, ReportDef } from './definition.ts';
import type { FieldMask } from './field-masks.ts';
import {
  NUMBER_RANGE_HINT,
  parseNumberRange,
  parseTimeRange,
  TIME_RANGE_HINT,
  type TimeRange,
} from './ranges.ts';

/** One condition of a row scope: a dimension's value in (or not in) a list. */
export interface ScopeCondition {
  readonly dimension: string;
  readonly op: 'in' | 'not_in';
  readonly values: readonly string[];
}

/** Which rows of a dataset an identity may see: all, or any of the alternatives (each ANDed conditions). */
export type RowScope =
  | { readonly all: true }
  | { readonly all: false; readonly anyOf: readonly (readonly ScopeCondition[])[] };

export type Predicate =
  | { readonly op: 'segment'; readonly name: string }
  | { readonly op: 'scope'; readonly anyOf: readonly (readonly ScopeCondition[])[] }
  | {
      readonly op: 'time';
      readonly dimension: string;
      readonly fromUs: number;
      readonly toUs: number;
      readonly filter?: string;
    }
  | {
      readonly op: 'in';
      readonly dimension: string;
      readonly values: readonly string[];
      readonly filter?: string;
    }
  | { readonly op: 'contains'; readonly dimension: string; readonly text: string; readonly filter?: string }
  | {
      readonly op: 'range';
      readonly dimension: string;
      readonly min?: number;
      readonly max?: number;
      readonly filter?: string;
    };

/** The dimensions a predicate reads (for the joins it needs). */
export function predicateDimensions(p: Predicate): string[] {
  if (p.op === 'segment') return [];
  if (p.op === 'scope') return p.anyOf.flatMap((conds) => conds.map((c) => c.dimension));
  return [p.dimension];
}

export interface PlanDimension {
  readonly name: string;
  readonly dimension: string;
  readonly granularity?: Granularity;
  readonly type: 'time' | 'string' | 'number';
}

export interface Plan {
  readonly dataset: string;
  readonly dimensions: readonly PlanDimension[];
  readonly measures: readonly Readonly<MeasureRef>[];
  readonly where: readonly Predicate[];
  /** The time range the report is about (the first time_range filter): clipping and rates use it. */
  readonly range?: Readonly<TimeRange>;
  readonly order: readonly { readonly column: string; readonly dir: 'asc' | 'desc' }[];
  /** The most rows the result may have (the definition's limit, else the engine's row limit). */
  readonly cap: number;
  readonly page: { readonly limit: number; readonly offset: number };
  /** Fields the asking identity sees masked (set by secure.ts): every use of them reads the masked value. */
  readonly masks?: readonly FieldMask[];
}

/** Filter values as they arrive: filter id -> the repeated `f.<id>` parameters. */
export type FilterValues = Record<string, string[]>;

export interface PlanRequest {
  filters: FilterValues;
  sort?: string;
  dir?: string;
  limit?: number;
  offset?: number;
  /** Row limit of this kind of request (view or export). */
  maxRows: number;
  nowUs: number;
}

export function deepFreeze<T>(x: T): T {
  if (x && typeof x === 'object' && !Object.isFrozen(x)) {
    Object.freeze(x);
    for (const v of Object.values(x)) deepFreeze(v);
  }
  return x;
}

const badFilter = (f: Pick<FilterDef, 'id'>, message: string, hint: string) =>
  new UserError('bad_request', `filter "${f.id}": ${message}`, [{ where: `query.f.${f.id}`, message, hint }]);

/** The predicates of the given filters' values (or their defaults); throws a UserError naming the filter. */
export function filterPredicates(
  def: ReportDef,
  values: FilterValues,
  nowUs: number,
  only?: ReadonlySet<string>,
): { where: Predicate[]; range?: TimeRange } {
  for (const id of Object.keys(values))
    if (!def.filters.some((f) => f.id === id))
      throw new UserError('bad_request', `unknown filter "${id}" for report ${def.id}`, [
        {
          where: `query.f.${id}`,
          message: 'no such filter',
          hint: def.filters.length
            ? `use one of: ${def.filters.map((f) => f.id).join(', ')}`
            : 'this report has no filters',
        },
      ]);
  const where: Predicate[] = [];
  let range: TimeRange | undefined;
  for (const f of def.filters) {
    if (only && !only.has(f.id)) continue;
    const given = Object.hasOwn(values, f.id) ? values[f.id]!.filter((v) => v !== '') : undefined;
    const raw = given ?? (f.default === undefined ? [] : Array.isArray(f.default) ? f.default : [f.default]);
    if (raw.length === 0) {
      if (f.required) throw badFilter(f, 'a value is required', `pass f.${f.id}=...`);
      continue;
    }
    if (f.kind !== 'multi_select' && raw.length > 1)
      throw badFilter(f, `takes one value, got ${raw.length}`, `pass f.${f.id} once`);
    const v = raw[0]!;
    switch (f.kind) {
      case 'time_range': {
        const r = parseTimeRange(v, nowUs);
        if (typeof r === 'string') throw badFilter(f, r, TIME_RANGE_HINT);
        where.push({ op: 'time', dimension: f.dimension, fromUs: r.fromUs, toUs: r.toUs, filter: f.id });
        range ??= r;
        break;
      }
      case 'number_range': {
        const r = parseNumberRange(v);
        if (typeof r === 'string') throw badFilter(f, r, NUMBER_RANGE_HINT);
        for (const [k, bound] of [
          ['min', r.min],
          ['max', r.max],
        ] as const) {
          if (bound === undefined) continue;
          if ((f.min !== undefined && bound < f.min) || (f.max !== undefined && bound > f.max))
            throw badFilter(
              f,
              `${k} ${bound} is outside ${f.min ?? ''}..${f.max ?? ''}`,
              `stay within ${f.min ?? ''}..${f.max ?? ''}`,
            );
        }
        where.push({ op: 'range', dimension: f.dimension, ...r, filter: f.id });
        break;
      }
      case 'text':
        if (v.length > 200)
          throw badFilter(f, 'the search text is longer than 200 characters', 'search for a shorter text');
        where.push({ op: 'contains', dimension: f.dimension, text: v, filter: f.id });
        break;
      case 'multi_select':
        if (raw.length > 500)
          throw badFilter(f, `${raw.length} values selected`, 'select at most 500 values');
        if (raw.some((x) => x.length > 1000))
          throw badFilter(f, 'a value is longer than 1000 characters', 'pick a value from the list');
        where.push({ op: 'in', dimension: f.dimension, values: [...new Set(raw)], filter: f.id });
        break;
    }
  }
  return { where, range };
}

const DEFAULT_PAGE = 100;

export function planReport(def: ReportDef, req: PlanRequest): Plan {
  const { where, range } = filterPredicates(def, req.filters, req.nowUs);
  const columns = [...def.dimensions.map((d) => d.name), ...def.measures.map((m) => m.name)];
  let order: { column: string; dir: 'asc' | 'desc' }[] = [];
  const dir = req.dir ?? 'asc';
  if (dir !== 'asc' && dir !== 'desc')
    throw new UserError('bad_request', `invalid query parameter "dir": "${dir}"`, [
      { where: 'query.dir', message: 'not a direction', hint: 'use asc or desc' },
    ]);
  if (req.sort !== undefined && req.sort !== '') {
    if (!columns.includes(req.sort))
      throw new UserError('bad_request', `cannot sort by "${req.sort}": not a column of report ${def.id}`, [
        { where: 'query.sort', message: 'unknown column', hint: `use one of: ${columns.join(', ')}` },
      ]);
    order.push({ column: req.sort, dir });
  } else if (def.sort) order.push(def.sort);
  // Every other dimension breaks ties, so pages never overlap or skip rows.
  order = [
    ...order,
    ...def.dimensions
      .filter((d) => !order.some((o) => o.column === d.name))
      .map((d) => ({ column: d.name, dir: 'asc' as const })),
  ];
  const cap = Math.min(def.limit ?? req.maxRows, req.maxRows);
  const limit = req.limit ?? def.limit ?? DEFAULT_PAGE;
  const offset = req.offset ?? 0;
  return deepFreeze({
    dataset: def.dataset,
    dimensions: def.dimensions.map((d) => ({
      name: d.name,
      dimension: d.dimension,
      granularity: d.granularity,
      type: d.type,
    })),
    measures: def.measures.map((m) => ({ ...m })),
    where: [...def.segments.map((name) => ({ op: 'segment' as const, name })), ...where],
    range,
    order,
    cap,
    page: { limit: Math.min(limit, cap), offset },
  });
}
