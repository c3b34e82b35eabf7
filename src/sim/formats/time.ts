// Timestamp renderings used by the simulated subsystems: ISO-8601 UTC (fixed or trimmed
// fraction), Java's comma style, and Berlin wall-clock time without an offset. Berlin's rule is
// computed here (EU: summer time from the last Sunday of March to the last Sunday of October,
// switching at 01:00 UTC) because Intl is far too slow for hundreds of thousands of lines.

const HOUR_MS = 3_600_000;
const dstCache = new Map<number, [number, number]>();

function lastSundayUtc(year: number, month: number): number {
  const lastDay = new Date(Date.UTC(year, month + 1, 0));
  return Date.UTC(year, month, lastDay.getUTCDate() - lastDay.getUTCDay(), 1);
}

/** Offset of Europe/Berlin from UTC at `utcMs`: one hour in winter, two in summer. */
export function berlinOffsetMs(utcMs: number): number {
  const year = new Date(utcMs).getUTCFullYear();
  let span = dstCache.get(year);
  if (!span) {
    span = [lastSundayUtc(year, 2), lastSundayUtc(year, 9)];
    dstCache.set(year, span);
  }
  return utcMs >= span[0] && utcMs < span[1] ? 2 * HOUR_MS : HOUR_MS;
}

const msOf = (us: number): number => Math.floor(us / 1000);

// Date#toISOString dominated the simulator's profile; consecutive lines share their second, so
// the date-and-time part is rendered once per second and only the fraction per line.
/** Renders `2026-01-01T00:00:00` for the second containing `ms`, remembering the last second. */
function secondCache(): (ms: number) => string {
  let cachedSecond = Number.NaN;
  let cachedText = '';
  return (ms) => {
    const second = Math.floor(ms / 1000);
    if (second !== cachedSecond) {
      cachedSecond = second;
      cachedText = new Date(second * 1000).toISOString().slice(0, 19);
    }
    return cachedText;
  };
}

// One cache per clock: UTC lines and Berlin lines interleave and would evict each other.
const utcSecond = secondCache();
const localSecond = secondCache();

const frac3 = (ms: number): string => String(ms - Math.floor(ms / 1000) * 1000).padStart(3, '0');

/** `2026-01-01T00:00:00.123Z`, or with `micro` six fraction digits (`.123456Z`). */
export function isoUtc(us: number, micro = false): string {
  const ms = msOf(us);
  const base = `${utcSecond(ms)}.${frac3(ms)}`;
  return micro ? `${base}${String(us - ms * 1000).padStart(3, '0')}Z` : `${base}Z`;
}

/** Go's RFC3339Nano style: trailing zeros of the fraction dropped, no fraction at all when zero. */
export function isoUtcTrimmed(us: number): string {
  const ms = msOf(us);
  const frac = frac3(ms).replace(/0+$/, '');
  return `${utcSecond(ms)}${frac ? `.${frac}` : ''}Z`;
}

/** `2026-01-01 01:00:00.123`: Berlin wall-clock time, no offset (what the field controllers write). */
export function berlinLocal(us: number): string {
  const ms = msOf(us);
  const local = ms + berlinOffsetMs(ms);
  return `${localSecond(local).replace('T', ' ')}.${frac3(local)}`;
}

/** `2026-01-01 00:00:00,123` in UTC: log4j's default date pattern. */
export function javaUtc(us: number): string {
  const ms = msOf(us);
  return `${utcSecond(ms).replace('T', ' ')},${frac3(ms)}`;
}
