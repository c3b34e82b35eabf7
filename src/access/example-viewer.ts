// The viewer that example values (catalog, links, patterns) are filtered for: an origin (subsystem,
// pipeline, event type) is visible when the identity's `events` scope admits rows with those values.
// A rule on any other dimension cannot be decided from an origin, so it hides the examples (fail closed).
import type { ExampleOrigin, Viewer } from '../process/catalog/examples.ts';
import type { Identity } from '../reports/secure.ts';
import { rowInScope } from './scopes.ts';

export function exampleViewer(identity: Identity): Viewer {
  const scope = identity.scopeOf('events');
  return {
    user: identity.user,
    roles: identity.roles,
    sees: (o: ExampleOrigin) =>
      scope.all ||
      rowInScope(scope, (d) =>
        d === 'subsystem' ? o.subsystem : d === 'pipeline' ? o.pipeline : d === 'type' ? o.type : undefined,
      ),
  };
}
