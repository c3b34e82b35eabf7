// The row scope of an identity for one dataset as SQL over the dataset's table aliased `t`, for the
// data paths outside the report engine (event search, volume, dead letters): the same dimensions
// (reports' semantic layer) and the same translation (scopeSql) as a report's secure step.
import { findDimension } from '../reports/dataset.ts';
import { datasets } from '../reports/datasets.ts';
import type { RowScope } from '../reports/plan.ts';
import { scopeSql } from '../reports/scope-sql.ts';
import type { Identity } from '../reports/secure.ts';
import type { Dialect } from '../warehouse/dialect.ts';
import type { Sql } from '../warehouse/sql.ts';

const CORE = datasets([]);

/** undefined when the identity sees every row of the dataset; otherwise the predicate to AND in. */
export function rowFilter(
  identity: Identity,
  dataset: 'events' | 'dead_letters',
  d: Dialect,
): Sql | undefined {
  const scope: RowScope = identity.scopeOf(dataset);
  if (scope.all) return undefined;
  const ds = CORE[dataset]!;
  return scopeSql(scope, (name) => findDimension(ds, name)?.expr({ d }));
}
