// From pairwise value-set statistics to candidate edges (pure; the SQL is in link-sql.ts). A pair
// of id-like fields in two subsystems is a candidate correlation key when a good part of the
// smaller value set appears in the other (overlap) and the shared values appear in both close
// together in time (aligned: a counter or a recycled number matches at unrelated times). It is a
// candidate edge when one side nearly always sees a value first (direction), unless a third
// subsystem explains it: one that relays the values in between (sensors -> gateway -> alarm
// server gives no sensors -> alarm server edge), or a common source both follow (video and
// console both receive alarm ids from the alarm server, in no fixed order between themselves).

export interface PairStats {
  sa: string;
  fa: string;
  sb: string;
  fb: string;
  shared: number;
  aligned: number;
  aFirst: number;
  bFirst: number;
  /** Delays tb - ta of aligned shared values (µs). */
  p05: number | null;
  p50: number | null;
  p95: number | null;
  /** Event type in which the values most often first appear, per side. */
  tya: string;
  tyb: string;
}

export interface FieldCount {
  distinct: number;
  occurrences: number;
}

export interface LinkKeyEvidence {
  fromField: string;
  toField: string;
  fromType: string;
  toType: string;
  shared: number;
  fromDistinct: number;
  toDistinct: number;
  /** Shared values / the smaller value set. */
  overlap: number;
  /** Share of the shared values that appeared in both within the alignment window. */
  alignedShare: number;
  /** Share of aligned values seen first on the `from` side. */
  directionShare: number;
  /** Typical delay from -> to, ms (median, 5th and 95th percentile). */
  delayMs: { p05: number; p50: number; p95: number };
  confidence: number;
  examples: { value: string; delayMs: number }[];
}

export interface InferredEdge {
  from: string;
  to: string;
  confidence: number;
  /** Keys, best first. */
  keys: LinkKeyEvidence[];
}

export interface ExplainedLink {
  a: string;
  b: string;
  reason: string;
  keys: LinkKeyEvidence[];
}

export const LINK_RULES = {
  minShared: 10,
  minOverlap: 0.3,
  minAligned: 0.8,
  /** Share of values one side must see first for a direction. */
  minDirection: 0.7,
  /** Share of aligned values a third subsystem must see in between to explain a pair away. */
  minBetween: 0.5,
};

export interface InferInput {
  pairs: PairStats[];
  fields: Map<string, FieldCount>;
  /** key `sa|fa|sb|fb|y` -> aligned values y saw between the two. */
  between: Map<string, number>;
  examples: Map<string, { value: string; ta: number; tb: number }[]>;
}

/** The most frequent type per pair from rows of (sa, fa, sb, fb, `column`, c); ties go to the smaller name. */
export function modesByPair(rows: readonly Record<string, unknown>[], column: string): Map<string, string> {
  const best = new Map<string, { v: string; c: number }>();
  for (const r of rows) {
    const k = pairKey({ sa: String(r.sa), fa: String(r.fa), sb: String(r.sb), fb: String(r.fb) });
    const v = String(r[column] ?? '');
    const c = Number(r.c);
    const b = best.get(k);
    if (!b || c > b.c || (c === b.c && textOrder(v, b.v) < 0)) best.set(k, { v, c });
  }
  return new Map([...best].map(([k, b]) => [k, b.v]));
}

export const pairKey = (p: { sa: string; fa: string; sb: string; fb: string }) =>
  JSON.stringify([p.sa, p.fa, p.sb, p.fb]);
export const fieldCountKey = (subsystem: string, field: string) => JSON.stringify([subsystem, field]);

interface Judged {
  p: PairStats;
  forward: boolean;
  evidence: LinkKeyEvidence;
  directed: boolean;
}

const ms = (us: number | null, sign: number) => (us === null ? 0 : Math.round((sign * us) / 100) / 10);

function judge(p: PairStats, input: InferInput): Judged | undefined {
  const fa = input.fields.get(fieldCountKey(p.sa, p.fa));
  const fb = input.fields.get(fieldCountKey(p.sb, p.fb));
  if (!fa || !fb || p.shared < LINK_RULES.minShared) return undefined;
  const overlap = p.shared / Math.min(fa.distinct, fb.distinct);
  const alignedShare = p.aligned / p.shared;
  if (overlap < LINK_RULES.minOverlap || alignedShare < LINK_RULES.minAligned) return undefined;
  const ordered = p.aFirst + p.bFirst;
  const forward = p.aFirst >= p.bFirst;
  const directionShare = ordered ? Math.max(p.aFirst, p.bFirst) / ordered : 0;
  const sign = forward ? 1 : -1;
  const [d05, d95] = forward ? [p.p05, p.p95] : [p.p95, p.p05];
  const examples = (input.examples.get(pairKey(p)) ?? []).map((x) => ({
    value: x.value,
    delayMs: ms(x.tb - x.ta, sign),
  }));
  const evidence: LinkKeyEvidence = {
    fromField: forward ? p.fa : p.fb,
    toField: forward ? p.fb : p.fa,
    fromType: forward ? p.tya : p.tyb,
    toType: forward ? p.tyb : p.tya,
    shared: p.shared,
    fromDistinct: (forward ? fa : fb).distinct,
    toDistinct: (forward ? fb : fa).distinct,
    overlap: round(Math.min(1, overlap)),
    alignedShare: round(alignedShare),
    directionShare: round(directionShare),
    delayMs: { p05: ms(d05, sign), p50: ms(p.p50, sign), p95: ms(d95, sign) },
    confidence: round(Math.min(1, overlap) * alignedShare * directionShare),
    examples,
  };
  return { p, forward, evidence, directed: directionShare >= LINK_RULES.minDirection };
}

export function inferLinks(input: InferInput): { edges: InferredEdge[]; explained: ExplainedLink[] } {
  const judged = input.pairs
    .map((p) => judge(p, input))
    .filter((j): j is Judged => j !== undefined)
    .sort((x, y) => textOrder(x.p.sa, y.p.sa) || textOrder(x.p.sb, y.p.sb) || byFields(x.p, y.p));
  // One relation per subsystem pair; its best key (most shared values) decides the direction.
  const bySubsystems = new Map<string, Judged[]>();
  for (const j of judged) {
    const k = JSON.stringify([j.p.sa, j.p.sb]);
    bySubsystems.set(k, [...(bySubsystems.get(k) ?? []), j]);
  }
  const relations = [...bySubsystems.values()].map((list) => {
    list.sort((x, y) => y.p.shared - x.p.shared || keyRank(x) - keyRank(y) || byFields(x.p, y.p));
    const best = list[0]!;
    const from = best.forward ? best.p.sa : best.p.sb;
    const to = best.forward ? best.p.sb : best.p.sa;
    const keys = list.filter((j) => j.forward === best.forward).map((j) => j.evidence);
    keys.sort(
      (x, y) =>
        y.confidence - x.confidence ||
        rank(x.fromField) - rank(y.fromField) ||
        textOrder(x.fromField, y.fromField) ||
        textOrder(x.toField, y.toField),
    );
    return { from, to, best, keys, directed: best.directed };
  });
  const directed = new Set(relations.filter((r) => r.directed).map((r) => `${r.from}>${r.to}`));
  const subsystems = [...new Set(relations.flatMap((r) => [r.from, r.to]))];
  const edges: InferredEdge[] = [];
  const explained: ExplainedLink[] = [];
  for (const r of relations) {
    if (!r.directed) {
      const sources = subsystems.filter(
        (y) => directed.has(`${y}>${r.from}`) && directed.has(`${y}>${r.to}`),
      );
      explained.push({
        a: r.from,
        b: r.to,
        reason: sources.length
          ? `both receive these ids from ${sources.join(', ')}, in no fixed order between themselves`
          : 'shared values but no consistent order: neither side reliably sees them first',
        keys: r.keys,
      });
      continue;
    }
    const aligned = r.best.p.aligned;
    const relay = subsystems.find(
      (y) =>
        directed.has(`${r.from}>${y}`) &&
        directed.has(`${y}>${r.to}`) &&
        (input.between.get(`${pairKey(r.best.p)}|${y}`) ?? 0) >= LINK_RULES.minBetween * aligned,
    );
    if (relay) {
      explained.push({
        a: r.from,
        b: r.to,
        reason: `${relay} sees these ids in between: ${r.from} → ${relay} → ${r.to}`,
        keys: r.keys,
      });
      continue;
    }
    edges.push({ from: r.from, to: r.to, confidence: r.keys[0]!.confidence, keys: r.keys });
  }
  edges.sort((a, b) => b.confidence - a.confidence || `${a.from}>${a.to}`.localeCompare(`${b.from}>${b.to}`));
  return { edges, explained };
}

/** Ties go by field names, so the answer never depends on the order the engine returned pairs in. */
const textOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const byFields = (a: PairStats, b: PairStats) => textOrder(a.fa, b.fa) || textOrder(a.fb, b.fb);

/** Declared correlation keys first, then attributes. */
const rank = (field: string) => (field.startsWith('keys.') ? 0 : 1);
const keyRank = (j: Judged) => rank(j.p.fa) + rank(j.p.fb);
const round = (x: number) => Math.round(x * 1000) / 1000;
