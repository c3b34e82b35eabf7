// The viewer that example values (catalog, links, patterns) are filtered for: an origin (subsystem,
// pipeline, event type) is visible when the identity's `events` scope admits rows with those values.
// A rule on any other dimension cannot be decided from an origin, so it hides the examples (fail closed).
// A field the identity sees masked shows its examples masked. Free text (message, raw) arrives
// without its row, so the row's masked values cannot be found in it: under any mask on another
// field its examples are hidden.
import type { ExampleOrigin, Viewer } from '../process/catalog/examples.ts';
import { isFreeText, maskFor, maskValue } from '../reports/field-masks.ts';
import type { Identity } from '../reports/secure.ts';
import { valuesOf } from './cockpit-scopes.ts';
import { rowInScope } from './scopes.ts';

const hidden = () => null;
const itself = (v: string) => v;

export function exampleViewer(identity: Identity): Viewer {
  const scope = identity.scopeOf('events');
  const masks = identity.masksOf('events');
  return {
    user: identity.user,
    roles: identity.roles,
    sees: (o: ExampleOrigin) =>
      scope.all ||
      rowInScope(scope, valuesOf({ subsystem: o.subsystem, pipeline: o.pipeline, type: o.type })),
    shown: (o: ExampleOrigin) => {
      if (masks.length === 0) return itself;
      const m = maskFor(masks, o.field);
      if (m) return (v) => maskValue(m, v);
      if (isFreeText('events', o.field)) return hidden;
      return itself;
    },
  };
}
