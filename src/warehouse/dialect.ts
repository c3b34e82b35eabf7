// The dialect seam (after Kysely's Dialect): the few hooks in which SQL engines differ, and the
// one compiler that renders a `sql` tree through them. Shared query logic is written against these
// hooks; only warehouse/<engine>/ implements them.
import { isSqlNode, type Sql, type SqlNode, type SqlValue } from './sql.ts';

export type DialectName = 'duckdb' | 'clickhouse';

export interface Dialect {
  readonly name: DialectName;
  /** Quotes one identifier part, escaping whatever the engine needs. */
  quoteId(name: string): string;
  /**
   * Renders one bound value into the text: an engine with server-side parameters appends it to
   * `params` and returns a placeholder; one without returns an encoded literal.
   */
  placeholder(value: SqlValue, params: SqlValue[]): string;
  /** Expression: a TIMESTAMP column as integer UTC microseconds since the epoch. */
  epochUs(column: SqlNode): Sql;
  /** Expression: start (integer UTC µs) of the epoch-aligned bucket of `bucketUs` holding `column`. */
  bucketStartUs(column: SqlNode, bucketUs: number): Sql;
  /** Predicate: `haystack` contains `needle`, ignoring case (Unicode-aware where the engine is). */
  containsIgnoreCase(haystack: SqlNode, needle: string): Sql;
  /** Expression: the value of `key` in a string map column (the event's keys), NULL when absent. */
  mapValue(column: SqlNode, key: string): Sql;
  /** Expression: a top-level member of a JSON object column as text, NULL when absent. */
  jsonText(column: SqlNode, key: string): Sql;
  /** Aggregate: the `q` quantile (0..1) of `value`, interpolated. */
  quantile(value: SqlNode, q: number): Sql;
  /** Expression: the smallest of several values, NULLs ignored (NULL only when all are NULL). */
  leastOf(values: readonly SqlNode[]): Sql;
  /** Aggregate: `value` of the row with the smallest `by` in the group. */
  argMin(value: SqlNode, by: SqlNode): Sql;
  /** Condition: `value` is among the rows of `subquery` (evaluated once, also across shards). */
  inSubquery(value: SqlNode, subquery: Sql): Sql;
  /**
   * An aggregate (sum, min, max) of `value` that is NULL over no values, as SQL says. ClickHouse
   * gives a non-Nullable column's default there (0, or 1970 for a time) and needs a guard.
   */
  nullOverNone(aggregate: Sql, value: SqlNode): Sql;
  /** Expression: the number of Unicode code points of a text. */
  textLength(value: SqlNode): Sql;
  /** Expression: the first `chars` Unicode code points of a text. */
  textPrefix(value: SqlNode, chars: number): Sql;
  /** Expression: the MD5 digest of a text's UTF-8 bytes as 32 lower-case hex digits. */
  md5Hex(value: SqlNode): Sql;
  /**
   * Expression: `haystack` with every occurrence of `needle` (case-sensitive) replaced; a NULL or
   * empty needle leaves it unchanged. An engine that cannot replace a per-row needle returns NULL
   * for a haystack holding it.
   */
  replaceAll(haystack: SqlNode, needle: SqlNode, replacement: SqlNode): Sql;
  /** Expression: every match of the RE2 `pattern` (a constant) in `value` replaced by `replacement`. */
  replaceRegex(value: SqlNode, pattern: string, replacement: string): Sql;
  /** Aggregate: the distinct non-NULL values of a text column joined by `separator`, any order. */
  distinctText(value: SqlNode, separator: string): Sql;
  /** Query: one row with `n` > 0 when a table or view of that name exists in the warehouse's database. */
  tableCount(name: string): Sql;
}

export interface CompiledQuery {
  readonly text: string;
  readonly params: readonly SqlValue[];
}

/** Renders a tree to text plus parameters; refuses anything not built by `sql` (fails closed). */
export function compile(query: Sql, dialect: Dialect): CompiledQuery {
  const params: SqlValue[] = [];
  const out: string[] = [];
  const walk = (n: SqlNode): void => {
    if (!isSqlNode(n)) throw new TypeError('compile: found a value that is not a sql node');
    switch (n.kind) {
      case 'fragment':
        out.push(n.strings[0] ?? '');
        n.values.forEach((v, i) => {
          walk(v);
          out.push(n.strings[i + 1] ?? '');
        });
        return;
      case 'id':
        out.push(n.parts.map((p) => dialect.quoteId(p)).join('.'));
        return;
      case 'keyword':
        out.push(n.text);
        return;
      case 'param':
        out.push(dialect.placeholder(n.value, params));
        return;
    }
  };
  walk(query);
  return Object.freeze({ text: out.join(''), params: Object.freeze(params) });
}
