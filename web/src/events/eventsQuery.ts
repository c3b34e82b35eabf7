// The Events page's state as it lives in the URL query (range or from/to, subsystems, search, page),
// and the time window and bucket size that follow from it.

export type RangeKey = '5m' | '15m' | '1h' | '24h';

export interface RangeOption {
  key: RangeKey;
  label: string;
  long: string;
  seconds: number;
  bucketSeconds: number;
}

export const RANGES: RangeOption[] = [
  { key: '5m', label: '5 min', long: 'last 5 minutes', seconds: 300, bucketSeconds: 5 },
  { key: '15m', label: '15 min', long: 'last 15 minutes', seconds: 900, bucketSeconds: 15 },
  { key: '1h', label: '1 h', long: 'last hour', seconds: 3600, bucketSeconds: 60 },
  { key: '24h', label: '24 h', long: 'last 24 hours', seconds: 86_400, bucketSeconds: 1200 },
];

const DEFAULT_RANGE: RangeKey = '15m';
export const PAGE_SIZE = 25;

export interface EventsQuery {
  range: RangeKey;
  /** A fixed window (ISO); when set it overrides `range` and live refresh stops. */
  from?: string;
  to?: string;
  /** Empty: all subsystems. */
  subsystems: string[];
  q: string;
  /** 1-based. */
  page: number;
}

export function parseQuery(search: string): EventsQuery {
  const p = new URLSearchParams(search);
  const range = RANGES.find((r) => r.key === p.get('range'))?.key ?? DEFAULT_RANGE;
  const from = validIso(p.get('from'));
  const to = validIso(p.get('to'));
  const fixed = from && to && Date.parse(from) < Date.parse(to);
  const page = Number.parseInt(p.get('page') ?? '1', 10);
  return {
    range,
    ...(fixed ? { from, to } : {}),
    subsystems: (p.get('subsystem') ?? '').split(',').filter(Boolean),
    q: p.get('q') ?? '',
    page: Number.isFinite(page) && page > 0 ? page : 1,
  };
}

export function toSearch(q: EventsQuery): string {
  const p = new URLSearchParams();
  if (q.from && q.to) {
    p.set('from', q.from);
    p.set('to', q.to);
  } else if (q.range !== DEFAULT_RANGE) p.set('range', q.range);
  if (q.subsystems.length) p.set('subsystem', q.subsystems.join(','));
  if (q.q) p.set('q', q.q);
  if (q.page > 1) p.set('page', String(q.page));
  const s = p.toString().replaceAll('%2C', ',').replaceAll('%3A', ':');
  return s ? `?${s}` : '';
}

export function isLive(q: EventsQuery): boolean {
  return !q.from;
}

export interface TimeWindow {
  from: string;
  to: string;
  bucketSeconds: number;
  seconds: number;
}

const NICE_BUCKETS = [1, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21_600, 43_200, 86_400];

/** The window to query at `now`; a live window ends at the end of the current bucket so buckets stay put. */
export function timeWindow(q: EventsQuery, now: number): TimeWindow {
  if (q.from && q.to) {
    const seconds = (Date.parse(q.to) - Date.parse(q.from)) / 1000;
    const bucketSeconds = NICE_BUCKETS.find((b) => b >= seconds / 60) ?? 86_400;
    return { from: q.from, to: q.to, bucketSeconds, seconds };
  }
  const r = RANGES.find((x) => x.key === q.range)!;
  const bucketMs = r.bucketSeconds * 1000;
  const end = Math.ceil((now + 1) / bucketMs) * bucketMs;
  return {
    from: new Date(end - r.seconds * 1000).toISOString(),
    to: new Date(end).toISOString(),
    bucketSeconds: r.bucketSeconds,
    seconds: r.seconds,
  };
}

function validIso(s: string | null): string | undefined {
  return s && !Number.isNaN(Date.parse(s)) ? new Date(s).toISOString() : undefined;
}
