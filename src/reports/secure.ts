// The access-control step of the report engine: one transform of the plan, between planning and
// compilation, through which every report path (view, export, filter values, preview) passes. The
// identity says which rows of the plan's dataset it may see; anything less than all becomes one
// `scope` predicate (compiled by scope-sql.ts, the same translation every other data path uses).
// Its field masks ride along in the plan: compile.ts then reads every masked dimension (shown,
// grouped, filtered, sorted, aggregated) through the mask, so the real value never leaves the engine.
import type { FieldMask } from './field-masks.ts';
import { deepFreeze, type Plan, type RowScope } from './plan.ts';

/** Who asks: access control's Identity satisfies this. */
export interface Identity {
  user: string;
  roles: readonly string[];
  /** The rows of a dataset this identity may see. */
  scopeOf(dataset: string): RowScope;
  /** The fields of a dataset this identity sees masked (field-masks.ts). */
  masksOf(dataset: string): readonly FieldMask[];
}

/** Every row of every dataset: for tests and explicitly privileged background jobs only. */
export const UNRESTRICTED: Identity = Object.freeze({
  user: 'system:unrestricted',
  roles: Object.freeze([]),
  scopeOf: () => ({ all: true }) as const,
  masksOf: () => [],
});

/** Returns the plan this identity may run: its row scope for the dataset added as a predicate. */
export function secure(plan: Plan, identity: Identity): Plan {
  const scope = identity.scopeOf(plan.dataset);
  const masks = identity.masksOf(plan.dataset);
  if (scope.all && masks.length === 0) return plan;
  return deepFreeze({
    ...plan,
    where: scope.all ? plan.where : [...plan.where, { op: 'scope' as const, anyOf: scope.anyOf }],
    ...(masks.length ? { masks: [...masks] } : {}),
  });
}

/** What of an identity changes a result for a dataset: the part any cache key must include next to the plan. */
export function restrictionsKey(identity: Identity, dataset: string): string {
  return JSON.stringify([identity.scopeOf(dataset), identity.masksOf(dataset)]);
}
