// True health intervals, per component and per subsystem, for scoring a health engine. The world
// reports conditions as they begin and end (an HA node down, a console that stopped displaying)
// and every intact heartbeat; gaps between heartbeats longer than the stale threshold become
// stale conditions. At the end each component's time line is cut into intervals of one state,
// the worst condition winning (failed > degraded > stale > ok), and each subsystem's is rolled up
// from its components. TRUTH.md defines the states.
import { COMPONENTS, STALE_AFTER_S, SUBSYSTEMS, type Subsystem, subsystemOf } from './topology.ts';
import { type HealthState, type HealthTruth, truthTs } from './truth.ts';

const RANK: Record<HealthState, number> = { ok: 0, stale: 1, degraded: 2, failed: 3 };

export interface Condition {
  state: HealthState;
  reason: string;
  fromUs: number;
  /** Infinity while it lasts. */
  toUs: number;
}

interface Segment {
  fromUs: number;
  toUs: number;
  state: HealthState;
  reason: string | null;
}

const subsystemKey = (s: string): string => `subsystem:${s}`;

export class HealthTracker {
  private readonly conditions = new Map<string, Condition[]>();
  private readonly lastBeat = new Map<string, number>();

  constructor(private readonly startUs: number) {
    // Every component was running when the story starts: as if it had just sent a heartbeat.
    for (const s of SUBSYSTEMS) for (const c of COMPONENTS[s]) this.lastBeat.set(c, startUs);
  }

  /** A condition of a component from now on; close it with `end`. */
  begin(component: string, state: HealthState, reason: string, atUs: number): Condition {
    return this.add(component, { state, reason, fromUs: atUs, toUs: Number.POSITIVE_INFINITY });
  }

  /** A condition of a whole subsystem (e.g. an HA pair with no active node). */
  beginSubsystem(subsystem: Subsystem, state: HealthState, reason: string, atUs: number): Condition {
    return this.add(subsystemKey(subsystem), { state, reason, fromUs: atUs, toUs: Number.POSITIVE_INFINITY });
  }

  end(c: Condition, atUs: number): void {
    c.toUs = atUs;
  }

  /** An intact heartbeat was written at `atUs` (true time). */
  heartbeat(component: string, atUs: number): void {
    const last = this.lastBeat.get(component)!;
    const after = staleAfterUs(component);
    if (atUs - last > after)
      this.add(component, { state: 'stale', reason: 'no heartbeat', fromUs: last + after, toUs: atUs });
    this.lastBeat.set(component, atUs);
  }

  /** Every interval from the start to `endUs`: components first, then subsystems. */
  records(endUs: number): HealthTruth[] {
    const out: HealthTruth[] = [];
    for (const s of SUBSYSTEMS) {
      const perComponent = new Map<string, Segment[]>();
      for (const c of COMPONENTS[s]) {
        const conds = [...(this.conditions.get(c) ?? [])];
        const last = this.lastBeat.get(c)!;
        const after = staleAfterUs(c);
        if (endUs - last > after)
          conds.push({ state: 'stale', reason: 'no heartbeat', fromUs: last + after, toUs: endUs });
        const segs = partition(conds, this.startUs, endUs);
        perComponent.set(c, segs);
        for (const g of segs) out.push(record(s, c, g));
      }
      for (const g of this.rollUp(s, perComponent, endUs)) out.push(record(s, null, g));
    }
    return out;
  }

  private add(key: string, c: Condition): Condition {
    const list = this.conditions.get(key);
    if (list) list.push(c);
    else this.conditions.set(key, [c]);
    return c;
  }

  /**
   * A subsystem is as bad as its worst component, except that a failed component only makes it
   * degraded while another component of it is not failed; conditions of the subsystem itself
   * (no active HA node) count as they are.
   */
  private rollUp(s: Subsystem, perComponent: Map<string, Segment[]>, endUs: number): Segment[] {
    const own = this.conditions.get(subsystemKey(s)) ?? [];
    const cuts = new Set<number>([this.startUs, endUs]);
    for (const segs of perComponent.values()) for (const g of segs) cuts.add(g.fromUs);
    for (const c of own) {
      cuts.add(clamp(c.fromUs, this.startUs, endUs));
      cuts.add(clamp(c.toUs, this.startUs, endUs));
    }
    const times = [...cuts].sort((a, b) => a - b);
    const segs: Segment[] = [];
    for (let i = 0; i + 1 < times.length; i++) {
      const at = times[i]!;
      const states = [...perComponent].map(([c, list]) => [c, segmentAt(list, at)!] as const);
      const failed = states.filter(([, g]) => g.state === 'failed').map(([c]) => c);
      let best: { state: HealthState; reason: string | null } = { state: 'ok', reason: null };
      const consider = (state: HealthState, reason: string): void => {
        if (RANK[state] > RANK[best.state]) best = { state, reason };
      };
      for (const c of own) if (c.fromUs <= at && c.toUs > at) consider(c.state, c.reason);
      if (failed.length > 0 && failed.length === states.length) consider('failed', 'every component failed');
      else if (failed.length > 0) consider('degraded', `${failed.join(', ')} failed`);
      for (const [c, g] of states)
        if (g.state !== 'failed' && g.state !== 'ok') consider(g.state, `${c} ${g.state}`);
      pushMerged(segs, { fromUs: at, toUs: times[i + 1]!, ...best });
    }
    return segs;
  }
}

/** A component's time line from its conditions: the worst one wins, the earliest among equals. */
function partition(conds: Condition[], startUs: number, endUs: number): Segment[] {
  const cuts = new Set<number>([startUs, endUs]);
  for (const c of conds) {
    cuts.add(clamp(c.fromUs, startUs, endUs));
    cuts.add(clamp(c.toUs, startUs, endUs));
  }
  const times = [...cuts].sort((a, b) => a - b);
  const segs: Segment[] = [];
  for (let i = 0; i + 1 < times.length; i++) {
    const at = times[i]!;
    let best: Condition | undefined;
    for (const c of conds)
      if (c.fromUs <= at && c.toUs > at && (!best || RANK[c.state] > RANK[best.state])) best = c;
    pushMerged(segs, {
      fromUs: at,
      toUs: times[i + 1]!,
      state: best?.state ?? 'ok',
      reason: best?.reason ?? null,
    });
  }
  return segs;
}

function pushMerged(segs: Segment[], g: Segment): void {
  const prev = segs[segs.length - 1];
  if (prev && prev.state === g.state && prev.reason === g.reason) prev.toUs = g.toUs;
  else segs.push(g);
}

const segmentAt = (segs: Segment[], at: number): Segment | undefined =>
  segs.find((g) => g.fromUs <= at && g.toUs > at);

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

const staleAfterUs = (component: string): number => STALE_AFTER_S[subsystemOf(component)!] * 1_000_000;

const record = (subsystem: string, component: string | null, g: Segment): HealthTruth => ({
  kind: 'health',
  subsystem,
  component,
  state: g.state,
  from: truthTs(g.fromUs),
  to: truthTs(g.toUs),
  reason: g.reason,
});
