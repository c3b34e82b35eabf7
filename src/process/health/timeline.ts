// Time lines of one entity (component, subsystem or the system): back-to-back segments of one
// state each. Built from condition intervals (worst wins), combined across entities by sweeping
// over their common cut points (roll-up, suppression), and stabilised (hysteresis, flapping).
// The inputs are conditions and segments, never events, so this stays small at any event volume.
import { type HealthState, RANK } from './definition.ts';

export interface Segment {
  fromUs: number;
  toUs: number;
  state: HealthState;
  reason: string | null;
  /** The rule or roll-up that decided the state. */
  rule: string | null;
  /** Evidence: an event id (components) or the members that caused it (subsystems, system). */
  causedBy: string | null;
  suppressedBy: string | null;
  flapping: boolean;
}

export type SegmentInfo = Omit<Segment, 'fromUs' | 'toUs'>;

export interface Condition {
  fromUs: number;
  /** Infinity while it still holds. */
  toUs: number;
  state: HealthState;
  rule: string;
  reason: string;
  eventId: string | null;
}

export const OK: SegmentInfo = {
  state: 'ok',
  reason: null,
  rule: null,
  causedBy: null,
  suppressedBy: null,
  flapping: false,
};

const sameInfo = (a: SegmentInfo, b: SegmentInfo): boolean =>
  a.state === b.state &&
  a.reason === b.reason &&
  a.rule === b.rule &&
  a.causedBy === b.causedBy &&
  a.suppressedBy === b.suppressedBy &&
  a.flapping === b.flapping;

/** Appends, extending the last segment instead when it ends here with the same content. */
export function pushMerged(out: Segment[], s: Segment): void {
  if (s.toUs <= s.fromUs) return;
  const last = out[out.length - 1];
  if (last && last.toUs === s.fromUs && sameInfo(last, s)) last.toUs = s.toUs;
  else out.push({ ...s });
}

/** A component's time line on [startUs, endUs): at each moment the worst condition (earliest among equals), else ok. */
export function partition(conds: readonly Condition[], startUs: number, endUs: number): Segment[] {
  const cuts = new Set<number>([startUs, endUs]);
  for (const c of conds) {
    if (c.fromUs > startUs && c.fromUs < endUs) cuts.add(c.fromUs);
    if (c.toUs > startUs && c.toUs < endUs) cuts.add(c.toUs);
  }
  const times = [...cuts].sort((a, b) => a - b);
  const out: Segment[] = [];
  for (let i = 0; i + 1 < times.length; i++) {
    const at = times[i]!;
    let best: Condition | undefined;
    for (const c of conds) {
      if (c.fromUs > at || c.toUs <= at) continue;
      if (
        !best ||
        RANK[c.state] > RANK[best.state] ||
        (RANK[c.state] === RANK[best.state] && c.fromUs < best.fromUs)
      )
        best = c;
    }
    const info: SegmentInfo = best
      ? { ...OK, state: best.state, reason: best.reason, rule: best.rule, causedBy: best.eventId }
      : OK;
    pushMerged(out, { fromUs: at, toUs: times[i + 1]!, ...info });
  }
  return out;
}

/**
 * Sweeps several time lines over their common cut points: `fn` gets each piece's start and the
 * segment of every line covering it (undefined where a line has none) and says what holds there.
 */
export function sweep(
  lines: readonly (readonly Segment[])[],
  startUs: number,
  endUs: number,
  fn: (atUs: number, at: (Segment | undefined)[]) => SegmentInfo | undefined,
  extraCuts: readonly number[] = [],
): Segment[] {
  const cuts = new Set<number>([startUs, endUs]);
  const add = (t: number) => {
    if (t > startUs && t < endUs) cuts.add(t);
  };
  for (const line of lines)
    for (const s of line) {
      add(s.fromUs);
      add(s.toUs);
    }
  for (const t of extraCuts) add(t);
  const times = [...cuts].sort((a, b) => a - b);
  const idx = lines.map(() => 0);
  const out: Segment[] = [];
  for (let i = 0; i + 1 < times.length; i++) {
    const at = times[i]!;
    const covering = lines.map((line, k) => {
      while (idx[k]! < line.length && line[idx[k]!]!.toUs <= at) idx[k]!++;
      const s = line[idx[k]!];
      return s && s.fromUs <= at ? s : undefined;
    });
    const info = fn(at, covering);
    if (info) pushMerged(out, { fromUs: at, toUs: times[i + 1]!, ...info });
  }
  return out;
}

/**
 * Hysteresis and flapping: a segment shorter than `minUs` is not reported (the state before it
 * goes on; at the live edge: not yet), and a reported segment during which at least `changes`
 * raw state changes fell within `windowUs` before its end is marked flapping.
 */
export function stabilise(
  raw: readonly Segment[],
  minUs: number,
  flapping?: { windowUs: number; changes: number },
): Segment[] {
  const out: Segment[] = [];
  for (const s of raw) {
    const prev = out[out.length - 1];
    if (prev && prev.toUs === s.fromUs && s.toUs - s.fromUs < minUs) prev.toUs = s.toUs;
    else pushMerged(out, s);
  }
  if (!flapping) return out;
  const changes: number[] = [];
  for (let i = 1; i < raw.length; i++)
    if (raw[i]!.state !== raw[i - 1]!.state && raw[i]!.fromUs === raw[i - 1]!.toUs)
      changes.push(raw[i]!.fromUs);
  const marked: Segment[] = [];
  for (const s of out) {
    const n = changes.filter((t) => t >= s.toUs - flapping.windowUs && t < s.toUs).length;
    pushMerged(marked, { ...s, flapping: n >= flapping.changes });
  }
  return marked;
}

/** The part of a time line inside [fromUs, toUs). */
export function clip(line: readonly Segment[], fromUs: number, toUs: number): Segment[] {
  const out: Segment[] = [];
  for (const s of line) {
    const a = Math.max(s.fromUs, fromUs);
    const b = Math.min(s.toUs, toUs);
    if (b > a) out.push({ ...s, fromUs: a, toUs: b });
  }
  return out;
}

/** The segment holding at `atUs`, if any. */
export const segmentAt = (line: readonly Segment[], atUs: number): Segment | undefined =>
  line.find((s) => s.fromUs <= atUs && s.toUs > atUs);
