// The one gate every example value passes on its way to a viewer (catalog samples, link
// evidence, pattern examples): values from rows the viewer may not see are dropped, values of a
// field the viewer sees masked are masked (hidden ones dropped). The decisions come from access
// control (access/example-viewer.ts builds the Viewer from an identity's row scope and field
// masks); `Viewer` is structural because process/ must not import access/ (it sits below).

export interface Viewer {
  readonly user: string;
  readonly roles: readonly string[];
  /** Whether rows of this origin are in the viewer's scope (undecidable ones: no). */
  sees(origin: ExampleOrigin): boolean;
  /** How a value of this origin's field is shown: itself, masked, or null (hidden). */
  shown(origin: ExampleOrigin): (value: string) => string | null;
}

/** The field the values come from: what a scope or mask is decided on. */
export interface ExampleOrigin {
  readonly subsystem: string;
  readonly pipeline?: string;
  readonly type?: string;
  readonly field: string;
}

/** Example values as `viewer` may see them: none when the origin is out of scope, else each as its mask shows it. */
export function visibleExamples(viewer: Viewer, origin: ExampleOrigin, values: readonly string[]): string[] {
  if (!viewer.sees(origin)) return [];
  const show = viewer.shown(origin);
  return values.map(show).filter((v): v is string => v !== null);
}
