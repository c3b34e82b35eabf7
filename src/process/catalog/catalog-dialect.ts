// The engine-specific pieces of catalog and link discovery: unpivoting every event into one row
// per field (event columns, every `keys` entry, every leaf path of `attrs`), classifying a value
// by its content, and a uniform 64-bit hash scaled to [0, 1) for the distinct-value sketch. Keyed
// by the dialect's name (like health-dialect.ts). This SQL is DuckDB's: ClickHouse 18.16 cannot
// list a JSON document's paths, so the catalog unpivots there in TypeScript by the same rules
// (catalog-unpivot.ts); the SQL refuses ClickHouse with a clear message rather than guess.
import type { Dialect } from '../../warehouse/dialect.ts';
import { type Sql, type SqlNode, sql } from '../../warehouse/sql.ts';

/** Value classes a field's type is inferred from (see field-type.ts). */
export const VALUE_CLASSES = [
  'int',
  'float',
  'bool',
  'timestamp',
  'ip',
  'uuid',
  'string',
  'text',
  'array',
  'object',
] as const;
export type ValueClass = (typeof VALUE_CLASSES)[number];

/** Content patterns for values written as text (RE2, full match; catalog-unpivot.ts runs them in JS). */
export const PATTERNS: [ValueClass, string][] = [
  ['int', '-?[0-9]{1,18}'],
  ['float', '-?[0-9]+\\.[0-9]+([eE][-+]?[0-9]+)?'],
  ['bool', '(?i)(true|false)'],
  [
    'timestamp',
    '[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.,][0-9]+)?)?(Z|[+-][0-9]{2}:?[0-9]{2})?',
  ],
  ['ip', '((25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])'],
  ['ip', '([0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}'],
  ['ip', '(([0-9A-Fa-f]{1,4}:){1,6}|:):(([0-9A-Fa-f]{1,4}:){0,5}[0-9A-Fa-f]{1,4})?'],
  ['uuid', '[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}'],
];

function unsupported(d: Dialect): never {
  throw new Error(`catalog discovery is not implemented for the ${d.name} dialect yet`);
}

/** Expression: the class of a text value (NULL for an empty one). */
function textClass(d: Dialect, v: SqlNode): Sql {
  if (d.name !== 'duckdb') unsupported(d);
  const whens = PATTERNS.map(([cls, re]) => sql`when regexp_full_match(${v}, ${re}) then ${cls}`);
  return sql`case when ${v} = '' then null ${sql.join(whens, sql` `)} when regexp_matches(${v}, '\\s') then 'text' else 'string' end`;
}

/** Expression: a uniform hash of a text value in [0, 1) (the distinct-value sketch's order). */
export function hash01(d: Dialect, v: SqlNode): Sql {
  if (d.name !== 'duckdb') unsupported(d);
  return sql`(cast(hash(${v}) as double) / 18446744073709551616.0)`;
}

export interface FieldRowsOptions {
  /** Predicate over the events table (alias `e`) choosing the rows to unpivot. */
  where: Sql;
  /** Leave out the event columns (links only look at keys and attrs). */
  columns?: boolean;
}

/**
 * Query: one row per (event, field) with `pipeline, subsystem, type, field, source, ts_us, value,
 * jtype` — `field` is `component`, `keys.<name>` or `attrs.<path>`; `value` the text (NULL for
 * JSON null); `jtype` how it was written (VARCHAR for text, BIGINT/DOUBLE/BOOLEAN/ARRAY/NULL).
 */
export function fieldRowsSql(d: Dialect, opts: FieldRowsOptions): Sql {
  if (d.name !== 'duckdb') unsupported(d);
  const e = sql.id('e');
  const ts = d.epochUs(sql.id('e', 'ts'));
  const base = sql`e.pipeline, e.subsystem, e.type, ${ts} as ts_us`;
  // `ts` is always there and always a timestamp: the catalog reports it from the type's times.
  const columns = sql`select ${base}, unnest(['component', 'kind', 'severity', 'message']) as field, 'column' as source,
      unnest([e.component, e.kind, e.severity, e.message]) as value, 'VARCHAR' as jtype
    from ${sql.id('events')} as ${e} where ${opts.where}`;
  const keys = sql`select ${base}, 'keys.' || unnest(map_keys(e.keys)) as field, 'keys' as source,
      unnest(map_values(e.keys)) as value, 'VARCHAR' as jtype
    from ${sql.id('events')} as ${e} where ${opts.where} and cardinality(e.keys) > 0`;
  // Leaves of attrs: scalars and arrays (an array is one field; its elements are not).
  const attrs = sql`select ${base}, 'attrs.' || replace(substr(t.fullkey, 3), '"', '') as field, 'attrs' as source,
      case when t.type = 'ARRAY' then cast(t.value as varchar) else json_extract_string(t.value, '$') end as value,
      t.type as jtype
    from ${sql.id('events')} as ${e}, json_tree(e.attrs) as t
    where ${opts.where} and t.type <> 'OBJECT' and t.fullkey <> '$' and not contains(t.fullkey, '[')`;
  return opts.columns === false
    ? sql`${keys} union all ${attrs}`
    : sql`${columns} union all ${keys} union all ${attrs}`;
}

/** Expression: the class of a value written as `jtype` (NULL when null or empty). */
export function valueClassSql(d: Dialect, value: SqlNode, jtype: SqlNode): Sql {
  return sql`case ${jtype} when 'NULL' then null when 'BIGINT' then 'int' when 'UBIGINT' then 'int' when 'DOUBLE' then 'float'
      when 'BOOLEAN' then 'bool' when 'ARRAY' then 'array' when 'OBJECT' then 'object'
      else ${textClass(d, value)} end`;
}

/** Expression: true when `jtype` says the value was written as a JSON number. */
export function isNumberSql(jtype: SqlNode): Sql {
  return sql`${jtype} in ('BIGINT', 'UBIGINT', 'DOUBLE')`;
}
