// One alert's path against its flow's declared steps: which were seen, when, the latency from the
// step each follows, and whether that broke the step's SLA (for the list, which carries times only).
import type { FlowAlertsResponse, FlowStepInfo } from '../../../src/api/types.ts';

export interface PathStep {
  name: string;
  def: FlowStepInfo;
  seen: boolean;
  /** It happened in a subsystem hidden from the user: named only, neither seen nor missing. */
  hidden: boolean;
  ts?: string;
  component?: string;
  /** From the step it follows (`after`), when both were seen. */
  latencyMs?: number;
  breach: boolean;
}

export function alertPath(
  defs: FlowStepInfo[],
  steps: FlowAlertsResponse['rows'][number]['steps'],
  hiddenSteps: readonly string[] = [],
): PathStep[] {
  const byName = new Map(steps.map((s) => [s.step, s]));
  const hidden = new Set(hiddenSteps);
  return defs.map((def) => {
    const s = byName.get(def.name);
    const parent = def.after ? byName.get(def.after) : undefined;
    const latencyMs = s && parent ? Date.parse(s.ts) - Date.parse(parent.ts) : undefined;
    return {
      name: def.name,
      def,
      seen: s !== undefined,
      hidden: hidden.has(def.name),
      ts: s?.ts,
      component: s?.component,
      latencyMs,
      breach: latencyMs !== undefined && def.slaMs !== undefined && latencyMs > def.slaMs,
    };
  });
}

/** A step's subsystem(s) as text. */
export function stepSubsystem(def: FlowStepInfo): string | undefined {
  return Array.isArray(def.subsystem) ? def.subsystem.join(' | ') : def.subsystem;
}

/** The first subsystem of a step, for its colour. */
export function stepColorKey(def: FlowStepInfo): string {
  return (Array.isArray(def.subsystem) ? def.subsystem[0] : def.subsystem) ?? def.name;
}
