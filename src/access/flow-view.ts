// The flow data an identity may see, shaped in one place for every flow page (alert list, alert
// detail, hop table, flow summary). The `flow_alerts` and `flow_hops` scopes decide which alert and
// hop rows exist for the user (cockpit-scopes.ts); this module then hides, inside those rows, what
// happened in subsystems the user may not see:
// - a step is shown when the `events` scope admits its subsystem (from the flow definition) and its
//   component, decided on those two values alone: a rule on any other dimension (severity, host...)
//   cannot be decided for a step and hides it (fail closed), as does a step matching several
//   subsystems;
// - a hidden step keeps only its name and `hidden: true`, so a page can say "hidden" rather than
//   "missing" (that it happened adds little to the alert's state and first missing step); its
//   time, component, event id, raw line and the latency and SLA breach of the hops into and out of
//   it are left out;
// - the hop table counts only hops whose two ends are shown (the same rule in SQL, ANDed into the
//   `flow_hops` scope), so its percentiles, breaches and components come from visible steps only;
// - end-to-end latency spans step times, so an alert's e2e is given only when every step it reached
//   is shown, and a flow's e2e percentiles only when every declared step is admitted on its
//   subsystem alone. The alert's own row (start, state, missing step, gaps) stays: `flow_alerts`
//   admitted it, and its start is the time range filter's key, so it is knowable anyway.
import type { MortarEvent } from '../events/event.ts';
import type { FlowDef } from '../process/flows/definition.ts';
import { datasets } from '../reports/datasets.ts';
import type { RowScope } from '../reports/plan.ts';
import { scopeSql } from '../reports/scope-sql.ts';
import type { Identity } from '../reports/secure.ts';
import type { Dialect } from '../warehouse/dialect.ts';
import { type Sql, sql } from '../warehouse/sql.ts';
import { cockpitFilter, valuesOf } from './cockpit-scopes.ts';
import { rowInScope } from './scopes.ts';

/** One stored step of an alert (a flow_steps row). */
export interface StepRow {
  step: string;
  tUs: number;
  component?: string;
  eventId?: string;
}

/** A shown step of the alert list with its values (time in µs). */
export type ListedStep = { step: string; ts: number; component?: string; eventId?: string };

/** A declared step of the alert detail, as the identity may see it. */
export interface DetailStep<E> {
  step: string;
  tUs?: number;
  component?: string;
  latencyMs?: number;
  breach?: boolean;
  hidden?: true;
  event?: E;
}

const subsystemOf = (flow: FlowDef, step: string) => {
  const s = flow.steps.find((x) => x.name === step)?.match.subsystem;
  return typeof s === 'string' ? s : undefined;
};

export class FlowView {
  private readonly scope: RowScope;
  constructor(
    private readonly identity: Identity,
    private readonly flows: FlowDef[],
  ) {
    this.scope = identity.scopeOf('events');
  }

  /** Whether a step that happened in `component` may be shown with its time, component and event. */
  stepShown(flow: FlowDef, step: string, component: string | undefined): boolean {
    if (this.scope.all) return true;
    return rowInScope(this.scope, valuesOf({ subsystem: subsystemOf(flow, step), component }));
  }

  /** Whether the flow's e2e aggregates may be shown: every declared step admitted by subsystem alone. */
  e2eShown(flow: FlowDef): boolean {
    if (this.scope.all) return true;
    return flow.steps.every((s) =>
      rowInScope(this.scope, valuesOf({ subsystem: subsystemOf(flow, s.name) })),
    );
  }

  /**
   * The predicate over flow_hops aliased `t` for the hop table: the `flow_hops` scope and both ends
   * shown by the `events` scope; undefined when the identity sees every hop.
   */
  hopFilter(d: Dialect): Sql | undefined {
    const rows = cockpitFilter(this.identity, 'flow_hops', this.flows, d);
    if (this.scope.all) return rows;
    const dims = datasets(this.flows).flow_hops!.dimensions;
    const end = (side: 'from' | 'to') =>
      scopeSql(this.scope, (name) => {
        if (name === 'subsystem') return dims[`${side}_subsystem`]!.expr({ d });
        if (name === 'component') return sql`${sql.id('t', `${side}_component`)}`;
        return undefined; // not a value of a hop end: fail closed
      });
    const ends = sql`${end('from')} and ${end('to')}`;
    return rows ? sql`${rows} and ${ends}` : ends;
  }

  /** An alert's steps for the list: shown steps with their values, and the names of hidden ones. */
  listSteps(flow: FlowDef, rows: StepRow[]): { steps: ListedStep[]; hidden: string[] } {
    const steps: ListedStep[] = [];
    const hidden: string[] = [];
    for (const r of rows) {
      if (this.stepShown(flow, r.step, r.component))
        steps.push({ step: r.step, ts: r.tUs, component: r.component, eventId: r.eventId });
      else hidden.push(r.step);
    }
    return { steps, hidden };
  }

  /** The event ids of an alert's steps the identity may read the raw line of. */
  shownEventIds(flow: FlowDef, rows: StepRow[]): string[] {
    return rows
      .filter((r) => r.eventId !== undefined && this.stepShown(flow, r.step, r.component))
      .map((r) => r.eventId!);
  }

  /**
   * Every declared step of an alert for its detail page: latency and breach only over a hop whose two
   * ends are shown; `events` are the raw lines already read through the `events` scope and masks.
   */
  detailSteps<E extends Pick<MortarEvent, 'id'>>(
    flow: FlowDef,
    rows: StepRow[],
    events: readonly E[],
  ): DetailStep<E>[] {
    const byStep = new Map(rows.map((r) => [r.step, r]));
    const shown = (r: StepRow | undefined) =>
      r !== undefined && this.stepShown(flow, r.step, r.component) ? r : undefined;
    return flow.steps.map((st) => {
      const row = byStep.get(st.name);
      if (row && !shown(row)) return { step: st.name, hidden: true };
      const mine = shown(row);
      const parent = st.parent === undefined ? undefined : shown(byStep.get(flow.steps[st.parent]!.name));
      const latencyMs = mine && parent ? (mine.tUs - parent.tUs) / 1000 : undefined;
      return {
        step: st.name,
        tUs: mine?.tUs,
        component: mine?.component,
        latencyMs,
        breach: latencyMs !== undefined && st.slaUs !== undefined ? latencyMs * 1000 > st.slaUs : undefined,
        event: mine?.eventId === undefined ? undefined : events.find((e) => e.id === mine.eventId),
      };
    });
  }

  /** Whether an alert's e2e may be shown: every step it reached is shown. */
  alertE2eShown(flow: FlowDef, rows: StepRow[]): boolean {
    return rows.every((r) => this.stepShown(flow, r.step, r.component));
  }
}

/** A flow_steps row as a StepRow (NULL component or event id: absent). */
export function stepRow(r: Record<string, unknown>): StepRow {
  return {
    step: String(r.step),
    tUs: Number(r.t_us),
    component: r.component === null || r.component === undefined ? undefined : String(r.component),
    eventId: r.event_id === null || r.event_id === undefined ? undefined : String(r.event_id),
  };
}
