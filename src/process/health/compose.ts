// From condition intervals to the time lines of every component, subsystem and the system:
// components by "worst condition wins", subsystems by their roll-up (plus their own conditions,
// such as an HA pair without an active node), the system from the subsystems; each level
// stabilised (hysteresis, flapping), then failures under a failed dependency marked suppressed.
import { type HealthDef, type HealthState, type Level, RANK, type RuleDef, rollupOf } from './definition.ts';
import { type Member, rollup } from './rollup.ts';
import {
  type Condition,
  OK,
  partition,
  type Segment,
  type SegmentInfo,
  stabilise,
  sweep,
} from './timeline.ts';

export interface EvidenceRow {
  rule: string;
  subsystem: string;
  /** '' for a condition of the whole subsystem. */
  component: string;
  fromUs: number;
  /** Infinity while it still holds. */
  toUs: number;
  eventId: string | null;
}

export interface SeenComponent {
  subsystem: string;
  component: string;
  firstUs: number;
}

export interface ComposeInput {
  def: HealthDef;
  /** The time lines cover [startUs, endUs). */
  startUs: number;
  endUs: number;
  /** The first event of the warehouse: declared components are known from here on. */
  observedFromUs: number;
  seen: readonly SeenComponent[];
  evidence: readonly EvidenceRow[];
}

export interface EntityLine {
  level: Level;
  /** '' for the system. */
  subsystem: string;
  /** '' for subsystems and the system. */
  component: string;
  segments: Segment[];
}

const PROBLEMS = new Set<HealthState>(['failed', 'degraded', 'stale']);

function conditionOf(def: HealthDef, rules: Map<string, RuleDef>, e: EvidenceRow): Condition | undefined {
  if (e.rule === 'heartbeat') {
    const s = def.subsystems[e.subsystem]?.heartbeat;
    const reason = s ? `no heartbeat for ${s.staleAfterUs / 1e6}s` : 'no heartbeat';
    return { fromUs: e.fromUs, toUs: e.toUs, state: 'stale', rule: 'heartbeat', reason, eventId: null };
  }
  const r = rules.get(e.rule);
  return (
    r && {
      fromUs: e.fromUs,
      toUs: e.toUs,
      state: r.state,
      rule: r.name,
      reason: r.reason,
      eventId: e.eventId,
    }
  );
}

const groupInfo = (fn: string, members: Member[], state: HealthState, causes: string[]): SegmentInfo => {
  if (state === 'ok') return OK;
  const byName = new Map(members.map((m) => [m.name, m.state]));
  return {
    ...OK,
    state,
    reason: causes.map((c) => `${c} ${byName.get(c)}`).join(', ') || null,
    rule: fn,
    causedBy: causes.join(',') || null,
  };
};

export function compose(input: ComposeInput): EntityLine[] {
  const { def, startUs, endUs } = input;
  const rules = new Map(def.rules.map((r) => [r.name, r]));
  const stable = (line: Segment[]) => stabilise(line, def.minDurationUs, def.flapping);
  const subsystems = new Set([
    ...Object.keys(def.subsystems),
    ...input.seen.map((s) => s.subsystem),
    ...input.evidence.map((e) => e.subsystem),
  ]);
  const out: EntityLine[] = [];
  const subLines = new Map<string, EntityLine>();
  const componentLines = new Map<string, EntityLine[]>();
  for (const sub of [...subsystems].sort()) {
    const sd = def.subsystems[sub];
    const declared = new Set(sd?.components ?? []);
    const first = new Map<string, number>();
    const note = (c: string, t: number) =>
      first.set(c, Math.min(first.get(c) ?? Number.POSITIVE_INFINITY, t));
    for (const c of declared) note(c, Math.max(startUs, input.observedFromUs));
    const conds = new Map<string, Condition[]>();
    for (const e of input.evidence) {
      if (e.subsystem !== sub) continue;
      const c = conditionOf(def, rules, e);
      if (!c) continue;
      if (e.component !== '') note(e.component, Math.max(startUs, e.fromUs));
      const list = conds.get(e.component) ?? [];
      list.push(c);
      conds.set(e.component, list);
    }
    for (const s of input.seen) if (s.subsystem === sub) note(s.component, Math.max(startUs, s.firstUs));
    const lines: EntityLine[] = [];
    for (const [component, from] of [...first].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const raw = partition(conds.get(component) ?? [], from, endUs);
      lines.push({ level: 'component', subsystem: sub, component, segments: stable(raw) });
    }
    const own = conds.get('') ?? [];
    const subStart = Math.min(
      ...lines.map((l) => l.segments[0]?.fromUs ?? endUs),
      ...own.map((c) => Math.max(startUs, c.fromUs)),
    );
    if (!(subStart < endUs)) continue;
    const fn = sd?.rollup ?? rollupOf('worst');
    const ownLine = partition(own, subStart, endUs);
    const names = lines.map((l) => l.component);
    const raw = sweep([ownLine, ...lines.map((l) => l.segments)], subStart, endUs, (_, [o, ...segs]) => {
      const members: Member[] = segs.map((s, i) => ({ name: names[i]!, state: s?.state ?? 'unknown' }));
      const r = rollup(fn, members);
      const info = groupInfo(fn.fn, members, r.state, r.causes);
      if (o && o.state !== 'ok' && RANK[o.state] > RANK[r.state]) return o;
      return r.state === 'unknown' ? undefined : info;
    });
    const line: EntityLine = { level: 'subsystem', subsystem: sub, component: '', segments: stable(raw) };
    subLines.set(sub, line);
    componentLines.set(sub, lines);
  }
  const subs = [...subLines.values()];
  const sysRaw = sweep(
    subs.map((l) => l.segments),
    Math.min(...subs.map((l) => l.segments[0]?.fromUs ?? endUs)),
    endUs,
    (_, segs) => {
      const members: Member[] = segs.map((s, i) => ({
        name: subs[i]!.subsystem,
        state: s?.state ?? 'unknown',
      }));
      const r = rollup(def.system.rollup, members);
      return r.state === 'unknown' ? undefined : groupInfo(def.system.rollup.fn, members, r.state, r.causes);
    },
  );
  // Suppression: a problem while a subsystem this one depends on is failed is marked, not hidden.
  for (const [sub, line] of subLines) {
    const parents = (def.subsystems[sub]?.dependsOn ?? []).filter((p) => subLines.has(p));
    const suppress = (l: EntityLine): EntityLine =>
      parents.length === 0
        ? l
        : {
            ...l,
            segments: sweep(
              [l.segments, ...parents.map((p) => subLines.get(p)!.segments)],
              l.segments[0]?.fromUs ?? endUs,
              endUs,
              (_, [s, ...ps]) => {
                if (!s) return undefined;
                const { fromUs: _f, toUs: _t, ...info } = s;
                const by = parents.find((_, i) => ps[i]?.state === 'failed');
                return by && PROBLEMS.has(s.state) ? { ...info, suppressedBy: by } : info;
              },
            ),
          };
    out.push(suppress(line), ...(componentLines.get(sub) ?? []).map(suppress));
  }
  if (sysRaw.length > 0)
    out.push({ level: 'system', subsystem: '', component: '', segments: stable(sysRaw) });
  return out;
}
