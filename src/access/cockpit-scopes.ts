// Row scopes for the cockpit paths (flows, health, topology), next to row-filter.ts for the event
// paths: a dataset's scope as a SQL predicate over its table aliased `t` (flow alerts, hops,
// topology edges: aggregates are then computed from visible rows only), and, for the health
// entities, an in-memory decision per row. A component row is decided on its own values (level,
// subsystem, component, state, reason, rule); a roll-up row (a subsystem, the system) aggregates its
// members, so it is visible only when it and every member are in scope by entity alone (level,
// subsystem, component): a rule on any other dimension cannot be decided for a roll-up and hides it
// (fail closed). A dimension that needs a join, or that the path cannot evaluate, matches nothing.

import type { FlowDef } from '../process/flows/definition.ts';
import type { HealthDef, Level } from '../process/health/definition.ts';
import { findDimension } from '../reports/dataset.ts';
import { datasets } from '../reports/datasets.ts';
import type { RowScope } from '../reports/plan.ts';
import { scopeSql } from '../reports/scope-sql.ts';
import type { Identity } from '../reports/secure.ts';
import type { Dialect } from '../warehouse/dialect.ts';
import type { Sql } from '../warehouse/sql.ts';
import { rowInScope } from './scopes.ts';

export type CockpitDataset = 'flow_alerts' | 'flow_hops' | 'topology_edges';

/** undefined when the identity sees every row; otherwise the predicate over alias `t` to AND in. */
export function cockpitFilter(
  identity: Identity,
  dataset: CockpitDataset,
  flows: FlowDef[],
  d: Dialect,
): Sql | undefined {
  const scope = identity.scopeOf(dataset);
  if (scope.all) return undefined;
  const ds = datasets(flows)[dataset]!;
  return scopeSql(scope, (name) => {
    const dim = findDimension(ds, name);
    return dim && dim.join === undefined ? dim.expr({ d }) : undefined;
  });
}

/** The dimension values of a row as a lookup: unknown names are undefined (out of scope). */
export const valuesOf =
  (values: Readonly<Record<string, string | undefined>>) =>
  (dimension: string): string | undefined =>
    Object.hasOwn(values, dimension) ? values[dimension] : undefined;

export interface HealthEntity {
  level: Level;
  subsystem: string;
  component: string;
}

/** A health row with the values a scope rule may test (absent: the path cannot evaluate it). */
export interface HealthRowValues extends HealthEntity {
  state?: string;
  reason?: string | null;
  rule?: string | null;
}

const entityValues = (e: HealthEntity) => ({
  level: e.level,
  subsystem: e.subsystem,
  component: e.component,
});

/**
 * Which health rows an identity sees for `dataset` (health_history or availability). `known` are
 * every entity the caller knows of (the rows it answers with); the definition adds the declared ones,
 * so a roll-up's members are complete.
 */
export function healthVisibility(
  scope: RowScope,
  def: HealthDef | undefined,
  known: readonly HealthEntity[],
): (row: HealthRowValues) => boolean {
  if (scope.all) return () => true;
  const entityIn = (e: HealthEntity) => rowInScope(scope, valuesOf(entityValues(e)));
  const members = new Map<string, HealthEntity[]>();
  const all: HealthEntity[] = [];
  const add = (e: HealthEntity) => {
    all.push(e);
    if (e.level === 'component') {
      const list = members.get(e.subsystem) ?? [];
      list.push(e);
      members.set(e.subsystem, list);
    }
  };
  for (const s of Object.values(def?.subsystems ?? {})) {
    add({ level: 'subsystem', subsystem: s.name, component: '' });
    for (const c of s.components) add({ level: 'component', subsystem: s.name, component: c });
  }
  for (const e of known) if (e.level !== 'system') add(e);
  const cache = new Map<string, boolean>();
  const rollupIn = (e: HealthEntity): boolean => {
    const key = `${e.level}|${e.subsystem}`;
    let v = cache.get(key);
    if (v === undefined) {
      const of = e.level === 'system' ? all : [...(members.get(e.subsystem) ?? [])];
      v = entityIn(e) && of.every(entityIn);
      cache.set(key, v);
    }
    return v;
  };
  return (row) => {
    const values = valuesOf({
      ...entityValues(row),
      state: row.state,
      reason: row.reason ?? undefined,
      rule: row.rule ?? undefined,
    });
    if (!rowInScope(scope, values)) return false;
    return row.level === 'component' || rollupIn(row);
  };
}

/**
 * Whether a flow's definition is listed: some alternative of the `flow_alerts` scope can admit
 * alerts of that flow (its conditions on `flow` allow the name). The definition is configuration,
 * not rows; its numbers are still computed from visible alerts only.
 */
export function flowListed(scope: RowScope, flow: string): boolean {
  if (scope.all) return true;
  return scope.anyOf.some((conds) =>
    conds
      .filter((c) => c.dimension === 'flow')
      .every((c) => (c.op === 'in' ? c.values.includes(flow) : !c.values.includes(flow))),
  );
}
