// The Subsystem page's state as it lives in the URL: the time window (range, at), as on the Cockpit.
import { parseTimeQuery, type TimeQuery, timeSearch } from '../lib/timeRange.ts';

export function parseSubsystemQuery(search: string): TimeQuery {
  return parseTimeQuery(new URLSearchParams(search));
}

export const subsystemSearch = (q: TimeQuery) => timeSearch(q);

/** The Events page's query for one subsystem over a window (its own ranges, else a fixed window). */
export function eventsHref(name: string, win: { from: string; to: string; live: boolean }, range: string) {
  const p = new URLSearchParams({ subsystem: name });
  if (win.live && (range === '15m' || range === '1h' || range === '24h')) {
    if (range !== '15m') p.set('range', range);
  } else {
    p.set('from', win.from);
    p.set('to', win.to);
  }
  return `/events?${p.toString().replaceAll('%2C', ',').replaceAll('%3A', ':')}`;
}
