// Merging one increment's statistics into the stored catalog, and the schema drift that the
// comparison reveals: a new event type, a new field, a field whose type changed, a field that
// stopped appearing although its events keep coming. Pure functions over plain rows, so drift
// rules are tested without a warehouse. A type's drift is judged only after a warm-up (its first
// events teach what is normal: optional fields seen late then are not "new").
import { addCounts, type ClassCounts, type FieldType, inferType } from './field-type.ts';

export interface TypeStats {
  pipeline: string;
  subsystem: string;
  type: string;
  events: number;
  firstUs: number;
  lastUs: number;
  collapsed: boolean;
  baseline: number | null;
}

export interface FieldStats {
  pipeline: string;
  subsystem: string;
  type: string;
  field: string;
  source: 'column' | 'keys' | 'attrs';
  /** Events in which the field had a non-empty value. */
  present: number;
  classes: ClassCounts;
  /** Values written as JSON numbers (measurements, counters), not as text. */
  numbers: number;
  firstUs: number;
  lastUs: number;
  /** Type of the latest increment with enough values: what a type change is measured against. */
  recentType: FieldType | null;
  vanished: boolean;
}

export type DriftChange =
  | 'type_added'
  | 'field_added'
  | 'type_changed'
  | 'field_vanished'
  | 'field_returned'
  | 'rate_collapsed'
  | 'rate_recovered';

export interface Drift {
  atUs: number;
  pipeline: string;
  subsystem: string;
  type: string;
  field: string | null;
  change: DriftChange;
  detail: string;
}

export const DRIFT_RULES = {
  /** Events of a type before its drift is judged. */
  warmupEvents: 100,
  /** Events and event time of a pipeline before a type it has not shown yet counts as new. */
  pipelineWarmupEvents: 300,
  pipelineWarmupUs: 10 * 60_000_000,
  /** Values of a field in one increment before its type there counts. */
  minTypedValues: 10,
  /** Events of a type in one increment before a missing field counts as vanished. */
  minEventsForVanish: 20,
  /** Fill a field must have had to be missed when it vanishes. */
  vanishFill: 0.9,
};

export const typeKey = (r: { pipeline: string; subsystem: string; type: string }) =>
  JSON.stringify([r.pipeline, r.subsystem, r.type]);
export const fieldKey = (r: { pipeline: string; subsystem: string; type: string; field: string }) =>
  JSON.stringify([r.pipeline, r.subsystem, r.type, r.field]);

export interface MergeResult {
  types: TypeStats[];
  fields: FieldStats[];
  drift: Drift[];
}

/** Stored statistics plus one increment: the new statistics and the drift found on the way. */
export function mergeIncrement(
  oldTypes: readonly TypeStats[],
  oldFields: readonly FieldStats[],
  incTypes: readonly TypeStats[],
  incFields: readonly FieldStats[],
): MergeResult {
  const drift: Drift[] = [];
  const types = new Map(oldTypes.map((t) => [typeKey(t), { ...t }]));
  const fields = new Map(oldFields.map((f) => [fieldKey(f), { ...f, classes: { ...f.classes } }]));
  // A pipeline's types count as new only once it has run a while (its first minutes bring out the
  // rarer types one by one; that is learning, not drift).
  const pipelines = new Map<string, { events: number; firstUs: number }>();
  for (const t of oldTypes) {
    const p = pipelines.get(t.pipeline) ?? { events: 0, firstUs: t.firstUs };
    pipelines.set(t.pipeline, { events: p.events + t.events, firstUs: Math.min(p.firstUs, t.firstUs) });
  }
  const incFieldsByType = new Map<string, FieldStats[]>();
  for (const f of incFields) {
    const list = incFieldsByType.get(typeKey(f)) ?? [];
    list.push(f);
    incFieldsByType.set(typeKey(f), list);
  }

  for (const inc of incTypes) {
    const k = typeKey(inc);
    const old = types.get(k);
    const judged = old !== undefined && old.events >= DRIFT_RULES.warmupEvents;
    const p = pipelines.get(inc.pipeline);
    const settled =
      p !== undefined &&
      p.events >= DRIFT_RULES.pipelineWarmupEvents &&
      inc.firstUs - p.firstUs >= DRIFT_RULES.pipelineWarmupUs;
    if (!old && settled) {
      drift.push({
        ...where(inc),
        atUs: inc.firstUs,
        field: null,
        change: 'type_added',
        detail: `${inc.events} events`,
      });
    }
    const incOfType = incFieldsByType.get(k) ?? [];
    for (const f of incOfType) {
      const fk = fieldKey(f);
      const prev = fields.get(fk);
      const incType = f.present >= DRIFT_RULES.minTypedValues ? inferType(f.classes) : null;
      if (!prev) {
        if (judged) {
          drift.push({
            ...where(f),
            atUs: f.firstUs,
            field: f.field,
            change: 'field_added',
            detail: `${inferType(f.classes)}, in ${f.present} of ${inc.events} events`,
          });
        }
        fields.set(fk, { ...f, recentType: incType, vanished: false });
        continue;
      }
      if (judged && incType && prev.recentType && incType !== prev.recentType) {
        drift.push({
          ...where(f),
          atUs: f.firstUs,
          field: f.field,
          change: 'type_changed',
          detail: `${prev.recentType} → ${incType}`,
        });
      }
      if (prev.vanished && f.present > 0) {
        drift.push({
          ...where(f),
          atUs: f.firstUs,
          field: f.field,
          change: 'field_returned',
          detail: `in ${f.present} of ${inc.events} events`,
        });
      }
      fields.set(fk, {
        ...prev,
        present: prev.present + f.present,
        classes: addCounts(prev.classes, f.classes),
        numbers: prev.numbers + f.numbers,
        firstUs: f.present > 0 ? Math.min(prev.firstUs, f.firstUs) : prev.firstUs,
        lastUs: f.present > 0 ? Math.max(prev.lastUs, f.lastUs) : prev.lastUs,
        recentType: incType ?? prev.recentType,
        vanished: prev.vanished && f.present === 0,
      });
    }
    // Fields this type always had that are missing from a good number of its new events.
    if (judged && inc.events >= DRIFT_RULES.minEventsForVanish) {
      const seen = new Set(incOfType.filter((f) => f.present > 0).map((f) => f.field));
      for (const f of fields.values()) {
        if (typeKey(f) !== k || f.vanished || seen.has(f.field)) continue;
        if (f.present < DRIFT_RULES.vanishFill * old.events) continue;
        f.vanished = true;
        drift.push({
          ...where(f),
          atUs: inc.firstUs,
          field: f.field,
          change: 'field_vanished',
          detail: `absent from ${inc.events} new events (was in ${pct(f.present / old.events)})`,
        });
      }
    }
    types.set(
      k,
      old
        ? {
            ...old,
            events: old.events + inc.events,
            firstUs: Math.min(old.firstUs, inc.firstUs),
            lastUs: Math.max(old.lastUs, inc.lastUs),
          }
        : { ...inc },
    );
  }
  return { types: [...types.values()], fields: [...fields.values()], drift };
}

export const RATE_RULES = {
  /** Complete buckets the baseline averages over. */
  baselineBuckets: 10,
  /** Events per bucket the baseline needs before a collapse means anything. */
  minBaseline: 5,
  /** A bucket below this share of the baseline is a collapse. */
  collapseShare: 0.1,
  /** ...and at or above this share of the pre-collapse baseline a recovery. */
  recoverShare: 0.5,
};

/**
 * Rate drift of one type from its latest complete bucket against the mean of the buckets before
 * it (`counts` oldest first, the last one the latest complete bucket; missing buckets are 0).
 */
export function rateDrift(
  t: TypeStats,
  counts: readonly number[],
  bucketStartUs: number,
  bucketSeconds: number,
): { drift?: Drift; collapsed: boolean; baseline: number | null } {
  const latest = counts[counts.length - 1] ?? 0;
  const before = counts.slice(0, -1);
  const base =
    before.length >= RATE_RULES.baselineBuckets ? before.reduce((a, b) => a + b, 0) / before.length : 0;
  const w = { pipeline: t.pipeline, subsystem: t.subsystem, type: t.type, field: null, atUs: bucketStartUs };
  const perMin = (n: number) => `${(n * (60 / bucketSeconds)).toFixed(1)}/min`;
  if (!t.collapsed && base >= RATE_RULES.minBaseline && latest < RATE_RULES.collapseShare * base) {
    return {
      collapsed: true,
      baseline: base,
      drift: { ...w, change: 'rate_collapsed', detail: `${perMin(latest)} against ${perMin(base)} before` },
    };
  }
  if (t.collapsed && t.baseline !== null && latest >= RATE_RULES.recoverShare * t.baseline) {
    return {
      collapsed: false,
      baseline: null,
      drift: { ...w, change: 'rate_recovered', detail: `${perMin(latest)} (was ${perMin(t.baseline)})` },
    };
  }
  return { collapsed: t.collapsed, baseline: t.baseline };
}

const where = (r: { pipeline: string; subsystem: string; type: string }) => ({
  pipeline: r.pipeline,
  subsystem: r.subsystem,
  type: r.type,
});
const pct = (x: number) => `${Math.round(x * 100)}%`;
