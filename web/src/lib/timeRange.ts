// The time control shared by the Cockpit and the Alert flows pages, as it lives in the URL query:
// `range` (how long a window) and `at` (where it ends; absent: now, live). `from`/`to` for the API
// follow from the two.

export type TimeRangeKey = '15m' | '1h' | '6h' | '24h';

export interface TimeRangeOption {
  key: TimeRangeKey;
  label: string;
  long: string;
  seconds: number;
}

export const TIME_RANGES: TimeRangeOption[] = [
  { key: '15m', label: '15 min', long: 'last 15 minutes', seconds: 900 },
  { key: '1h', label: '1 h', long: 'last hour', seconds: 3600 },
  { key: '6h', label: '6 h', long: 'last 6 hours', seconds: 21_600 },
  { key: '24h', label: '24 h', long: 'last 24 hours', seconds: 86_400 },
];

export const DEFAULT_TIME_RANGE: TimeRangeKey = '1h';

export interface TimeQuery {
  range: TimeRangeKey;
  /** End of a past window (ISO); absent: the window ends now and follows the clock. */
  at?: string;
}

export interface ResolvedWindow {
  from: string;
  to: string;
  seconds: number;
  live: boolean;
}

export function rangeOption(key: TimeRangeKey): TimeRangeOption {
  return TIME_RANGES.find((r) => r.key === key)!;
}

export function parseTimeQuery(p: URLSearchParams): TimeQuery {
  const range = TIME_RANGES.find((r) => r.key === p.get('range'))?.key ?? DEFAULT_TIME_RANGE;
  const raw = p.get('at');
  const at = raw && !Number.isNaN(Date.parse(raw)) ? new Date(raw).toISOString() : undefined;
  return at ? { range, at } : { range };
}

/** Writes `range` (unless the default) and `at` (when set) into `p`. */
export function writeTimeQuery(p: URLSearchParams, q: TimeQuery): void {
  if (q.range !== DEFAULT_TIME_RANGE) p.set('range', q.range);
  if (q.at) p.set('at', q.at);
}

/** The query string of a time query alone, for links that carry the window to another page. */
export function timeSearch(q: TimeQuery): string {
  const p = new URLSearchParams();
  writeTimeQuery(p, q);
  return queryString(p);
}

/** `?a=b` with commas and colons left readable ('' when empty). */
export function queryString(p: URLSearchParams): string {
  const s = p.toString().replaceAll('%2C', ',').replaceAll('%3A', ':');
  return s ? `?${s}` : '';
}

/** The window at `now` (ms): [at - range, at], or [now - range, now] while live. */
export function resolveWindow(q: TimeQuery, now: number): ResolvedWindow {
  const seconds = rangeOption(q.range).seconds;
  const end = q.at ? Date.parse(q.at) : now;
  return {
    from: new Date(end - seconds * 1000).toISOString(),
    to: new Date(end).toISOString(),
    seconds,
    live: !q.at,
  };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The value of an <input type="datetime-local"> (local time, minutes) for an instant. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The instant of a datetime-local value (local time), or undefined when it is not complete. */
export function fromLocalInput(value: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m;
  const t = new Date(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0)).getTime();
  return Number.isNaN(t) ? undefined : t;
}
