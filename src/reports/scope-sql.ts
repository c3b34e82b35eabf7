// A data scope as one SQL predicate: the single translation every query path uses (reports through
// their plan, event search, volume, dead letters, the live stream), so the rows a user may see are
// decided in one place. Dimensions are resolved by the caller (a dataset's expressions); one that
// cannot be resolved, and every NULL, counts as out of scope (fail closed), exactly like the
// in-memory rule (access/scopes.ts rowInScope).
import { type Sql, sql } from '../warehouse/sql.ts';
import type { RowScope } from './plan.ts';

const TRUE = sql`(1 = 1)`;
const FALSE = sql`(1 = 0)`;

export function scopeSql(scope: RowScope, dimension: (name: string) => Sql | undefined): Sql {
  if (scope.all) return TRUE;
  if (scope.anyOf.length === 0) return FALSE;
  const alternatives = scope.anyOf.map((conds) => {
    if (conds.length === 0) return TRUE;
    const parts = conds.map((c) => {
      const expr = dimension(c.dimension);
      if (!expr) return FALSE;
      if (c.op === 'in') return c.values.length === 0 ? FALSE : sql`(${expr} in (${sql.list(c.values)}))`;
      return c.values.length === 0
        ? sql`(${expr} is not null)`
        : sql`(${expr} is not null and ${expr} not in (${sql.list(c.values)}))`;
    });
    return sql`(${sql.join(parts, sql` and `)})`;
  });
  return sql`(${sql.join(alternatives, sql` or `)})`;
}
