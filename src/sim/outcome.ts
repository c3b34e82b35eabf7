// An alarm's outcome as the demo flow (config/demo/flows.yaml) defines it: complete once every
// required step happened; otherwise, counted from the true time of its first step, in flight
// until the deadline, stuck until the horizon, lost after it.
import { DEADLINE_S, HORIZON_S, REQUIRED_STEPS } from './topology.ts';
import { truthTs } from './truth.ts';
import type { Flow } from './world.ts';

const S = 1_000_000;

export const isHandled = (flow: Flow): boolean => REQUIRED_STEPS.every((s) => flow.times.has(s));

/** Fills the alarm's outcome fields as they stand at `atUs`. */
export function settle(flow: Flow, atUs: number): void {
  const t = flow.truth;
  const firstUs = flow.times.get('sensor.alarm')!;
  if (isHandled(flow)) {
    t.outcome = 'complete';
    t.stuck_from = null;
    t.lost_from = null;
    t.e2e_us = Math.max(...REQUIRED_STEPS.map((s) => flow.times.get(s)!)) - firstUs;
    return;
  }
  const stuckUs = firstUs + DEADLINE_S * S;
  const lostUs = firstUs + HORIZON_S * S;
  t.stuck_from = truthTs(stuckUs);
  t.lost_from = truthTs(lostUs);
  t.e2e_us = null;
  t.outcome = atUs >= lostUs ? 'lost' : atUs >= stuckUs ? 'stuck' : 'in_flight';
}
