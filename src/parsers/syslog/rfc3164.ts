// RFC 3164 ("BSD") syslog as senders really write it: `[<PRI>]TIMESTAMP [HOSTNAME] [TAG[PID]:] MSG`.
// TIMESTAMP is `Mmm dd hh:mm:ss` (local time without zone or year; a fraction and a year after the
// day are tolerated) or, from rsyslog's high-precision template, ISO 8601. A first word that looks
// like a tag (`sshd[42]:`, `kernel:`) means the hostname is missing; otherwise it is the hostname.
import { compileTimestamp } from '../timestamp.ts';
import { localToUtcMs, zoneOffsetMs } from '../zone.ts';
import type { SyslogMessage } from './message.ts';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const BSD = /([A-Za-z]{3}) {1,2}(\d{1,2})(?: (\d{4}))? (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(?= |$)/y;
const ISO = /\d{4}-\d{2}-\d{2}T[^ ]+/y;
const TAG = /([^\s[\]:]+)(?:\[([^\]\s]*)\]:?|:)(?: |$)/y;
const DAY_MS = 86_400_000;
/** How far in the future a year-less time may lie before it is taken to be last year's. */
const FUTURE_MS = 31 * DAY_MS;

export function reader3164(
  zone: string,
): (s: string, i: number, receivedAtUs: number) => SyslogMessage | string {
  const iso = compileTimestamp('iso8601', zone);
  return (s, i, receivedAtUs) => {
    const m: SyslogMessage = {};
    BSD.lastIndex = i;
    const b = BSD.exec(s);
    if (b) {
      const month = MONTHS.indexOf(b[1]!.toLowerCase()) + 1;
      if (month === 0) return `RFC 3164: "${b[1]}" is not a month`;
      const [day, h, min, sec] = [b[2], b[4], b[5], b[6]].map(Number) as [number, number, number, number];
      if (day < 1 || day > 31 || h > 23 || min > 59 || sec > 60)
        return `RFC 3164: "${b[0]}" is not a valid time`;
      const ms =
        b[3] !== undefined
          ? localMs(zone, Number(b[3]), month, day, h, min, sec)
          : withInferredYear(zone, month, day, h, min, sec, receivedAtUs / 1000);
      if (ms === undefined) return `RFC 3164: "${b[0]}" is not a valid date`;
      m.timestampUs = ms * 1000 + (b[7] ? Number(b[7].padEnd(6, '0')) : 0);
      i = BSD.lastIndex;
    } else {
      ISO.lastIndex = i;
      const t = ISO.exec(s);
      const us = t ? iso(t[0]) : undefined;
      if (us === undefined)
        return 'expected an RFC 3164 timestamp ("Nov  6 12:00:00") or an ISO 8601 one after the PRI';
      m.timestampUs = us;
      i = ISO.lastIndex;
    }
    while (s.charCodeAt(i) === 32) i++;
    TAG.lastIndex = i;
    let tag = TAG.exec(s);
    if (!tag) {
      const sp = s.indexOf(' ', i);
      if (sp > i) {
        m.hostname = s.slice(i, sp);
        i = sp + 1;
        while (s.charCodeAt(i) === 32) i++;
        TAG.lastIndex = i;
        tag = TAG.exec(s);
      }
    }
    if (tag) {
      m.appName = tag[1]!;
      if (tag[2]) m.procid = tag[2];
      i = TAG.lastIndex;
    }
    m.message = s.slice(i);
    return m;
  };
}

/** UTC milliseconds of a local wall time in `zone`; undefined for dates like 31 April. */
function localMs(zone: string, y: number, mo: number, d: number, h: number, mi: number, s: number) {
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  if (new Date(wall).getUTCDate() !== d) return undefined;
  return zone === 'UTC' ? wall : localToUtcMs(zone, wall);
}

/**
 * A year-less local time placed in the year that puts it within a year before the receive time,
 * allowing `FUTURE_MS` of clock skew ahead: a December line read in January is last year's, a
 * January line read on 31 December next year's. February 29 goes to the nearest leap year.
 */
function withInferredYear(
  zone: string,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  receivedMs: number,
): number | undefined {
  const localNow = receivedMs + (zone === 'UTC' ? 0 : zoneOffsetMs(zone, receivedMs));
  const year = new Date(localNow).getUTCFullYear();
  let nearest: number | undefined;
  for (const y of [year, year - 1, year + 1]) {
    const ms = localMs(zone, y, mo, d, h, mi, s);
    if (ms === undefined) continue;
    if (ms <= receivedMs + FUTURE_MS && ms > receivedMs + FUTURE_MS - 365 * DAY_MS) return ms;
    if (nearest === undefined || Math.abs(ms - receivedMs) < Math.abs(nearest - receivedMs)) nearest = ms;
  }
  return nearest;
}
