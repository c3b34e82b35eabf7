// Formatting of counts, rates and times for display (the browser's locale, local time zone).
const count = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const rate = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1, minimumFractionDigits: 1 });
const compact = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 });

export function formatCount(n: number): string {
  return n >= 1_000_000 ? compact.format(n) : count.format(n);
}

export function formatRate(n: number): string {
  return rate.format(n);
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** 14:03:07.215 (without milliseconds if `ms` is false), with the date in front when it is not today or `withDate` is set. */
export function formatTime(iso: string, withDate = false, ms = true): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const time =
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}` +
    (ms ? `.${pad(d.getMilliseconds(), 3)}` : '');
  const today = new Date().toDateString() === d.toDateString();
  return withDate || !today ? `${formatDay(d)} ${time}` : time;
}

/** Axis label for a bucket start: HH:mm, with seconds for small buckets, with the day for long spans. */
export function formatBucket(iso: string, bucketSeconds: number, spanSeconds: number): string {
  const d = new Date(iso);
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  if (bucketSeconds < 60) return `${hm}:${pad(d.getSeconds())}`;
  return spanSeconds > 86_400 ? `${formatDay(d)} ${hm}` : hm;
}

function formatDay(d: Date): string {
  return d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
}

/** "3 s", "4 min", "2 h" for a duration in seconds. */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86_400) return `${Math.round(seconds / 360) / 10} h`;
  return `${Math.round(seconds / 8640) / 10} d`;
}

const bytesFmt = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** "512 B", "3.4 KiB", "1.2 GiB" (binary units, as files and lag are counted). */
export function formatBytes(n: number): string {
  let v = Math.max(0, n);
  let i = 0;
  while (v >= 1024 && i < BYTE_UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? count.format(v) : bytesFmt.format(v)} ${BYTE_UNITS[i]}`;
}

/** A rate with its unit: "12.5/s"; "0/s" when nothing moved, so idle reads as idle. */
export function formatPerSecond(n: number): string {
  return n === 0 ? '0/s' : `${n < 10 ? formatRate(n) : count.format(n)}/s`;
}

const msFmt1 = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
const msFmt2 = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });

/** A latency: "0.8 ms", "4.5 ms", "194 ms", "1.86 s", "12.3 s", "2.5 min"; negative values keep their sign. */
export function formatMs(ms: number): string {
  const a = Math.abs(ms);
  const sign = ms < 0 ? '−' : '';
  if (a < 10) return `${sign}${msFmt1.format(a)} ms`;
  if (a < 1000) return `${sign}${count.format(a)} ms`;
  if (a < 10_000) return `${sign}${msFmt2.format(a / 1000)} s`;
  if (a < 60_000) return `${sign}${msFmt1.format(a / 1000)} s`;
  return `${sign}${msFmt1.format(a / 60_000)} min`;
}

/** A share as a percentage: "0 %", "<0.1 %", "0.4 %", "12 %". */
export function formatPercent(ratio: number): string {
  const p = ratio * 100;
  if (p === 0) return '0 %';
  if (p < 0.1) return '<0.1 %';
  return `${p < 10 ? msFmt1.format(p) : count.format(p)} %`;
}

/** How long ago an instant was, from `now` (ms): "just now", "12 s ago", "4 min ago". */
export function formatAgo(iso: string, now: number = Date.now()): string {
  const s = (now - Date.parse(iso)) / 1000;
  if (!Number.isFinite(s)) return '';
  if (s < 2) return 'just now';
  return `${formatDuration(s)} ago`;
}
