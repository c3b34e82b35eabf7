// The few expressions health rules need beyond the shared Dialect hooks: a regex test and capture
// on the message, and text to number. Kept here, keyed by the dialect's name, until a second
// engine lands and they move into warehouse/dialect.ts as hooks of their own.
import type { Dialect } from '../../warehouse/dialect.ts';
import { type Sql, type SqlNode, sql } from '../../warehouse/sql.ts';

/** Predicate: `text` matches the RE2 `pattern` anywhere. */
export function regexMatches(d: Dialect, text: SqlNode, pattern: string): Sql {
  return d.name === 'clickhouse' ? sql`match(${text}, ${pattern})` : sql`regexp_matches(${text}, ${pattern})`;
}

/** Expression: the first capture group of `pattern` in `text`, NULL when it does not match. */
export function regexGroup(d: Dialect, text: SqlNode, pattern: string): Sql {
  return d.name === 'clickhouse'
    ? sql`nullIf(extract(${text}, ${pattern}), '')`
    : sql`nullif(regexp_extract(${text}, ${pattern}, 1), '')`;
}

/** Expression: text as a double, NULL when it is no number. */
export function toNumber(d: Dialect, text: SqlNode): Sql {
  return d.name === 'clickhouse' ? sql`toFloat64OrNull(${text})` : sql`try_cast(${text} as double)`;
}
