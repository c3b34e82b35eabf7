// Flow definitions: the configuration's flows checked and normalised into plain step lists with
// parents, join keys and durations in microseconds. Every problem is reported with its path.
import type { Config } from '../../config/load.ts';
import { configError } from '../../config/load.ts';
import type { EventMatch, FlowConfig } from '../../config/schema.ts';
import type { ErrorDetail } from '../../events/errors.ts';
import { parseDurationMs } from '../../events/time.ts';
import { type ClockOffset, clockOffsets } from './clock.ts';
import { unreachableKeys } from './flow-sql.ts';

export interface FlowStep {
  index: number;
  name: string;
  match: EventMatch;
  /** Key of this step's events that must equal the parent's outgoing key value. */
  key: string;
  /** Key whose value the children join on (emits, else key). */
  out: string;
  /** Index of the step this one follows; undefined for the first step. */
  parent?: number;
  optional: boolean;
  slaUs?: number;
}

export interface FlowDef {
  name: string;
  description?: string;
  steps: FlowStep[];
  slaUs?: number;
  deadlineUs: number;
  horizonUs: number;
  /** Clock corrections applied to event times before they become step times. */
  clock: ClockOffset[];
}

const us = (d: string | undefined): number | undefined =>
  d === undefined ? undefined : parseDurationMs(d)! * 1000;

export function defineFlows(config: Config): FlowDef[] {
  const errors: ErrorDetail[] = [];
  const clock = clockOffsets(config);
  const defs = Object.entries(config.flows).map(([name, f]) =>
    defineFlow(name, f, clock, (path, message, hint) =>
      errors.push({ where: config.locate(['flows', name, ...path]), message, hint }),
    ),
  );
  if (errors.length > 0) throw configError(errors);
  return defs;
}

type Report = (path: (string | number)[], message: string, hint?: string) => void;

function defineFlow(name: string, f: FlowConfig, clock: ClockOffset[], report: Report): FlowDef {
  const index = new Map<string, number>();
  const steps: FlowStep[] = f.steps.map((s, i) => {
    if (index.has(s.name))
      report(['steps', i, 'name'], `step "${s.name}" appears twice`, 'give every step its own name');
    let parent: number | undefined;
    if (i === 0) {
      if (s.after !== undefined)
        report(['steps', 0, 'after'], 'the first step starts the alert and follows nothing', 'remove after');
      if (s.optional) report(['steps', 0, 'optional'], 'the first step cannot be optional');
    } else if (s.after === undefined) parent = i - 1;
    else {
      parent = index.get(s.after);
      if (parent === undefined)
        report(
          ['steps', i, 'after'],
          `no earlier step "${s.after}"`,
          `earlier steps: ${[...index.keys()].join(', ')}`,
        );
    }
    if (parent !== undefined && f.steps[parent]?.optional && !s.optional) {
      report(
        ['steps', i, 'after'],
        `a required step cannot follow the optional step "${f.steps[parent]!.name}"`,
        'make this step optional too, or follow a required step',
      );
    }
    if (Object.keys(s.match).length === 0)
      report(
        ['steps', i, 'match'],
        'an empty match would take every event',
        'match at least subsystem and type',
      );
    index.set(s.name, i);
    return {
      index: i,
      name: s.name,
      match: s.match,
      key: s.key,
      out: s.emits ?? s.key,
      parent,
      optional: s.optional,
      slaUs: us(s.sla),
    };
  });
  const deadlineUs = us(f.deadline)!;
  const horizonUs = us(f.horizon)!;
  if (horizonUs <= deadlineUs)
    report(
      ['horizon'],
      `horizon (${f.horizon}) must be longer than deadline (${f.deadline})`,
      'an alert is stuck after the deadline and lost after the horizon',
    );
  const def = { name, description: f.description, steps, slaUs: us(f.sla), deadlineUs, horizonUs, clock };
  for (const problem of unreachableKeys(def))
    report(['steps'], problem, 'add emits: KEY to the step whose events carry both ids');
  return def;
}
