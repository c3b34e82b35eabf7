// DuckDB's answers to the dialect hooks: `$1, $2` placeholders with values bound by the driver,
// double-quoted identifiers, epoch arithmetic for time buckets.
import type { Dialect } from '../dialect.ts';
import { type Sql, type SqlNode, type SqlValue, sql } from '../sql.ts';

function castFor(value: SqlValue): string {
  switch (typeof value) {
    case 'string':
      return '::VARCHAR';
    case 'bigint':
      return '::BIGINT';
    case 'number':
      return Number.isSafeInteger(value) ? '::BIGINT' : '::DOUBLE';
    case 'boolean':
      return '::BOOLEAN';
    default:
      return value === null ? '' : '::TIMESTAMP';
  }
}

export const duckdbDialect: Dialect = Object.freeze({
  name: 'duckdb' as const,

  quoteId(name: string): string {
    return `"${name.replaceAll('"', '""')}"`;
  },

  // Typed placeholders: DuckDB infers an untyped parameter's type late, and arithmetic on one
  // (the bucket expression) measured 30x slower than on `$n::BIGINT`.
  placeholder(value: SqlValue, params: SqlValue[]): string {
    params.push(value);
    return `$${params.length}${castFor(value)}`;
  },

  epochUs(column: SqlNode) {
    return sql`epoch_us(${column})`;
  },

  // Integer arithmetic only (a double quotient loses exactness past 2^52 µs), and a floored
  // modulo because DuckDB's `%` and `//` truncate, which would misalign buckets before 1970.
  bucketStartUs(column: SqlNode, bucketUs: number) {
    const b = BigInt(bucketUs);
    const us = sql`epoch_us(${column})`;
    return sql`(${us} - ((${us} % ${b}) + ${b}) % ${b})`;
  },

  // lower() on both sides so DuckDB's Unicode case mapping decides, not JavaScript's.
  containsIgnoreCase(haystack: SqlNode, needle: string) {
    return sql`contains(lower(${haystack}), lower(${needle}))`;
  },

  mapValue(column: SqlNode, key: string) {
    return sql`${column}[${key}]`;
  },

  // A JSON pointer, so keys with dots or quotes need no JSONPath escaping.
  jsonText(column: SqlNode, key: string) {
    return sql`json_extract_string(${column}, ${`/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`})`;
  },

  quantile(value: SqlNode, q: number) {
    return sql`quantile_cont(${value}, ${q})`;
  },

  leastOf(values: readonly SqlNode[]) {
    return sql`least(${sql.join(values)})`;
  },

  argMin(value: SqlNode, by: SqlNode) {
    return sql`arg_min(${value}, ${by})`;
  },

  inSubquery(value: SqlNode, subquery: Sql) {
    return sql`${value} in (${subquery})`;
  },

  nullOverNone(aggregate: Sql) {
    return aggregate;
  },

  // length and substring count code points (not bytes, not grapheme clusters), as the JS side does.
  textLength(value: SqlNode) {
    return sql`length(${value})`;
  },

  textPrefix(value: SqlNode, chars: number) {
    return sql`substring(${value}, 1, ${chars})`;
  },

  md5Hex(value: SqlNode) {
    return sql`md5(${value})`;
  },

  // replace() leaves the text unchanged for an empty needle, so the haystack appears once (masks chain).
  replaceAll(haystack: SqlNode, needle: SqlNode, replacement: SqlNode) {
    return sql`replace(${haystack}, coalesce(${needle}, ''), coalesce(${replacement}, ''))`;
  },

  replaceRegex(value: SqlNode, pattern: string, replacement: string) {
    return sql`regexp_replace(${value}, ${pattern}, ${replacement}, 'g')`;
  },

  distinctText(value: SqlNode, separator: string) {
    return sql`string_agg(distinct ${value}, ${separator})`;
  },

  tableCount(name: string) {
    return sql`select count(*) as n from information_schema.tables where table_name = ${name}`;
  },
});
