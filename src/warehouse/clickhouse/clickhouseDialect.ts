// ClickHouse's answers to the dialect hooks, in SQL that runs on Debian's 18.16 and on current
// releases. Values become literals through the one encoder (literal.ts); times are Int64 UTC
// microseconds in every column, so epochUs is the column itself. `keys` and `attrs` are JSON text
// written by jsonColumns.ts and read with the simpleJSON (visitParam*) functions, the only JSON
// functions 18.16 has; jsonColumns.ts escapes names so that those substring-based functions see
// exactly the top-level members.
import type { Dialect } from '../dialect.ts';
import { type Sql, type SqlNode, type SqlValue, sql } from '../sql.ts';
import { searchName } from './jsonColumns.ts';
import { encodeLiteral } from './literal.ts';

export const clickhouseDialect: Dialect = Object.freeze({
  name: 'clickhouse' as const,

  quoteId(name: string): string {
    return `\`${name.replaceAll('\\', '\\\\').replaceAll('`', '\\`')}\``;
  },

  placeholder(value: SqlValue, _params: SqlValue[]): string {
    return encodeLiteral(value);
  },

  epochUs(column: SqlNode) {
    return sql`${column}`;
  },

  // `%` truncates towards zero, so the floored modulo keeps buckets aligned before 1970 too. The
  // bucket is cast to Int64: with a UInt32 literal the modulo is UInt32 and `+ b` wraps at 2^32.
  bucketStartUs(column: SqlNode, bucketUs: number) {
    const b = sql`toInt64(${BigInt(bucketUs)})`;
    return sql`(${column} - ((${column} % ${b}) + ${b}) % ${b})`;
  },

  containsIgnoreCase(haystack: SqlNode, needle: string) {
    return sql`(positionCaseInsensitiveUTF8(${haystack}, ${needle}) > 0)`;
  },

  mapValue(column: SqlNode, key: string) {
    const k = searchName(key);
    return sql`if(visitParamHas(${column}, ${k}), visitParamExtractString(${column}, ${k}), NULL)`;
  },

  // Strings are unescaped; numbers, booleans and nested values come back as their JSON text
  // (what DuckDB's json_extract_string gives for scalars); JSON null and absence are NULL.
  jsonText(column: SqlNode, key: string) {
    const k = searchName(key);
    const raw = sql`visitParamExtractRaw(${column}, ${k})`;
    return sql`if(visitParamHas(${column}, ${k}), if(substring(${raw}, 1, 1) = '"', visitParamExtractString(${column}, ${k}), nullIf(${raw}, 'null')), NULL)`;
  },

  // `quantile` interpolates like quantile_cont; it is exact up to its 8192-value sample.
  quantile(value: SqlNode, q: number) {
    return sql`quantile(${q})(${value})`;
  },

  // ClickHouse's least() is NULL when any argument is; coalescing each argument with all the
  // others first ignores NULLs and stays NULL only when every value is.
  leastOf(values: readonly SqlNode[]) {
    if (values.length === 1) return sql`${values[0]!}`;
    const filled = values.map((v, i) => sql`coalesce(${sql.join([v, ...values.filter((_, j) => j !== i)])})`);
    return filled.slice(1).reduce((acc, v) => sql`least(${acc}, ${v})`, filled[0]!);
  },

  argMin(value: SqlNode, by: SqlNode) {
    return sql`argMin(${value}, ${by})`;
  },

  // GLOBAL: on a Distributed table the subquery runs once and its result goes to every shard;
  // a plain IN over two distributed tables is refused by ClickHouse.
  inSubquery(value: SqlNode, subquery: Sql) {
    return sql`${value} global in (${subquery})`;
  },

  nullOverNone(aggregate: Sql, value: SqlNode) {
    return sql`(case when count(${value}) = 0 then null else ${aggregate} end)`;
  },

  textLength(value: SqlNode) {
    return sql`lengthUTF8(${value})`;
  },

  // 18.16's substringUTF8 splits characters outside the BMP; re2 reads the text as UTF-8.
  textPrefix(value: SqlNode, chars: number) {
    return sql`extract(${value}, ${`^(?s).{0,${Math.max(0, Math.trunc(chars))}}`})`;
  },

  md5Hex(value: SqlNode) {
    return sql`lower(hex(MD5(${value})))`;
  },

  // 18.16's replaceAll takes only a constant needle (position() takes any), so a text holding a
  // per-row needle cannot be rewritten: it becomes NULL instead, which hides more, never less.
  replaceAll(haystack: SqlNode, needle: SqlNode, _replacement: SqlNode) {
    const n = sql`ifNull(${needle}, '')`;
    return sql`if(${n} != '' and position(${haystack}, ${n}) > 0, NULL, ${haystack})`;
  },

  replaceRegex(value: SqlNode, pattern: string, replacement: string) {
    return sql`replaceRegexpAll(${value}, ${pattern}, ${replacement})`;
  },

  distinctText(value: SqlNode, separator: string) {
    return sql`arrayStringConcat(groupUniqArray(${value}), ${separator})`;
  },

  // 18.16 has no information_schema.
  tableCount(name: string) {
    return sql`select count() as n from system.tables where database = currentDatabase() and name = ${name}`;
  },
});
