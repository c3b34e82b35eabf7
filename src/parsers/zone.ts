// IANA time-zone arithmetic on top of Intl (no tz database of our own): the UTC offset of a zone at
// an instant, and the conversion of a zone-less local wall time to UTC, including DST gaps and
// overlaps. Offsets are cached per 15-minute UTC slot, the granularity of every modern transition.

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsetCache = new Map<string, Map<number, number>>();
const SLOT_MS = 15 * 60_000;

/** Throws a RangeError for an unknown zone; 'UTC' and 'Etc/...' are fine. */
export function checkZone(zone: string): void {
  formatter(zone);
}

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** Offset of `zone` from UTC at the instant `utcMs`, in milliseconds (Berlin in winter: +3_600_000). */
export function zoneOffsetMs(zone: string, utcMs: number): number {
  const slot = Math.floor(utcMs / SLOT_MS);
  let cache = offsetCache.get(zone);
  if (!cache) {
    cache = new Map();
    offsetCache.set(zone, cache);
  }
  const hit = cache.get(slot);
  if (hit !== undefined) return hit;
  const at = slot * SLOT_MS;
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(new Date(at)))
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const asUtc = Date.UTC(
    parts.year!,
    parts.month! - 1,
    parts.day!,
    parts.hour!,
    parts.minute!,
    parts.second!,
  );
  const offset = asUtc - at;
  if (cache.size > 100_000) cache.clear();
  cache.set(slot, offset);
  return offset;
}

/**
 * UTC instant of a local wall time given as if it were UTC (`localAsUtcMs`). In a DST overlap the
 * earlier instant wins; a time inside a DST gap is moved forward by the gap (as most libraries do).
 */
export function localToUtcMs(zone: string, localAsUtcMs: number): number {
  const before = zoneOffsetMs(zone, localAsUtcMs - 86_400_000 / 2);
  const after = zoneOffsetMs(zone, localAsUtcMs + 86_400_000 / 2);
  // Try the earlier offset first so an ambiguous time resolves to its first occurrence.
  for (const off of before >= after ? [before, after] : [after, before]) {
    const utc = localAsUtcMs - off;
    if (zoneOffsetMs(zone, utc) === off) return utc;
  }
  return localAsUtcMs - Math.min(before, after);
}
