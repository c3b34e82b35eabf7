// Live totals per subsystem as an identity may see them. The in-memory counters only know the
// subsystem, so a scope is evaluated with that one dimension: a rule on any other dimension cannot
// be decided here and hides the subsystem (fail closed); scoped users get exact numbers from
// the scoped queries (event search, reports) instead.
import type { Identity } from '../reports/secure.ts';
import { rowInScope } from './scopes.ts';

export function visibleTotals(
  identity: Identity,
  bySubsystem: Readonly<Record<string, number>>,
): Record<string, number> {
  const scope = identity.scopeOf('events');
  if (scope.all) return { ...bySubsystem };
  const out: Record<string, number> = {};
  for (const [subsystem, n] of Object.entries(bySubsystem))
    if (rowInScope(scope, (d) => (d === 'subsystem' ? subsystem : undefined))) out[subsystem] = n;
  return out;
}
