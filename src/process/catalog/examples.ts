// The one gate every example value passes on its way to a viewer (catalog samples, link
// evidence, pattern examples): values from rows the viewer may not see are dropped. The decision
// comes from access control (access/example-viewer.ts builds the Viewer from an identity's row
// scope); `Viewer` is structural because process/ must not import access/ (it sits below).
// Field masks are not built yet.

export interface Viewer {
  readonly user: string;
  readonly roles: readonly string[];
  /** Whether rows of this origin are in the viewer's scope (undecidable ones: no). */
  sees(origin: ExampleOrigin): boolean;
}

/** The field the values come from: what a scope or mask is decided on. */
export interface ExampleOrigin {
  readonly subsystem: string;
  readonly pipeline?: string;
  readonly type?: string;
  readonly field: string;
}

/** Example values as `viewer` may see them: all of them, or none when the origin is out of scope. */
export function visibleExamples(viewer: Viewer, origin: ExampleOrigin, values: readonly string[]): string[] {
  return viewer.sees(origin) ? [...values] : [];
}
