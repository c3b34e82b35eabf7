// The semantic layer's vocabulary: a dataset is one warehouse table (plus joins declared once)
// with named dimensions, measures and segments. Expressions are built from `sql` and Dialect
// hooks only, so every dataset compiles for DuckDB and ClickHouse alike.
import type { Dialect } from '../warehouse/dialect.ts';
import { type Sql, sql } from '../warehouse/sql.ts';

export type ValueType = 'time' | 'string' | 'number';

/** What an expression may depend on besides the dialect: the report's time range (for clipping). */
export interface ExprContext {
  d: Dialect;
  range?: { fromUs: number; toUs: number };
}

export type Expr = (ctx: ExprContext) => Sql;

export interface DimensionDef {
  label: string;
  type: ValueType;
  /**
   * The value. Time dimensions yield integer UTC microseconds; `timeColumn` says how the
   * underlying column is stored, so filters compare on the raw column (zone maps stay usable).
   */
  expr: Expr;
  timeColumn?: { column: Sql; storage: 'timestamp' | 'us' };
  /** A join this dimension needs. */
  join?: string;
  unit?: string;
}

export type Aggregate =
  | 'count'
  | 'count_distinct'
  | 'sum'
  | 'avg'
  | 'min'
  | 'max'
  | 'p50'
  | 'p95'
  | 'p99'
  | 'rate'
  | 'ratio';

export const AGGREGATES: readonly Aggregate[] = [
  'count',
  'count_distinct',
  'sum',
  'avg',
  'min',
  'max',
  'p50',
  'p95',
  'p99',
  'rate',
  'ratio',
];

export interface MeasureDef {
  label: string;
  agg: Aggregate;
  /** The dimension aggregated (count_distinct, sum, avg, min, max, percentiles). */
  of?: string;
  per?: 'second' | 'minute';
  numerator?: string;
  denominator?: string;
  /** Factor applied to a ratio (100 for a percentage). */
  scale?: number;
  unit?: string;
}

export interface JoinDef {
  table: string;
  /** Pairs of (base column, joined column) compared for equality. */
  on: [string, string][];
}

export interface DatasetDef {
  name: string;
  label: string;
  description: string;
  table: string;
  /** The dimension time_range filters and `rate` use by default. */
  time?: string;
  /** Interval tables: rows overlap a time range instead of falling into it. */
  interval?: { from: string; to: string };
  dimensions: Record<string, DimensionDef>;
  measures: Record<string, MeasureDef>;
  segments: Record<string, { description: string; where: Expr }>;
  joins: Record<string, JoinDef>;
  /** Prefixes of open-ended dimensions (`attrs.site`, `keys.alarm_id`), resolved on demand. */
  dynamic?: Record<string, (key: string) => DimensionDef>;
}

/** A column of the dataset's base table (alias `t`). */
export const col =
  (name: string): Expr =>
  () =>
    sql`${sql.id('t', name)}`;

export const str = (name: string, label: string): DimensionDef => ({
  label,
  type: 'string',
  expr: col(name),
});

export const num = (name: string, label: string, unit?: string, divisor = 1): DimensionDef => ({
  label,
  type: 'number',
  unit,
  expr: divisor === 1 ? col(name) : () => sql`(${sql.id('t', name)} / ${divisor})`,
});

/** A TIMESTAMP column, exposed as µs. */
export const tsTime = (name: string, label: string): DimensionDef => ({
  label,
  type: 'time',
  expr: ({ d }) => d.epochUs(sql.id('t', name)),
  timeColumn: { column: sql`${sql.id('t', name)}`, storage: 'timestamp' },
});

/** A BIGINT column already holding UTC µs. */
export const usTime = (name: string, label: string): DimensionDef => ({
  label,
  type: 'time',
  expr: col(name),
  timeColumn: { column: sql`${sql.id('t', name)}`, storage: 'us' },
});

/** Resolves a dimension name, including dynamic ones such as `attrs.site`. */
export function findDimension(ds: DatasetDef, name: string): DimensionDef | undefined {
  if (Object.hasOwn(ds.dimensions, name)) return ds.dimensions[name];
  const dot = name.indexOf('.');
  if (dot <= 0 || !ds.dynamic) return undefined;
  const prefix = name.slice(0, dot);
  const key = name.slice(dot + 1);
  if (!Object.hasOwn(ds.dynamic, prefix) || !/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$/.test(key)) return undefined;
  return ds.dynamic[prefix]!(key);
}
