// The PRI part shared by RFC 3164 and RFC 5424 (`<134>`): facility * 8 + severity, with the
// names both RFCs give them. Severities use Mortar's own words (SEVERITIES), in syslog's order.
import { SEVERITIES } from '../../events/event.ts';

export const FACILITIES = [
  'kern',
  'user',
  'mail',
  'daemon',
  'auth',
  'syslog',
  'lpr',
  'news',
  'uucp',
  'cron',
  'authpriv',
  'ftp',
  'ntp',
  'security',
  'console',
  'solaris-cron',
  'local0',
  'local1',
  'local2',
  'local3',
  'local4',
  'local5',
  'local6',
  'local7',
] as const;

/** Syslog code 0 (emergency) .. 7 (debug) -> Mortar's severity word. */
export const severityName = (pri: number): string => SEVERITIES[7 - (pri & 7)]!;
export const facilityName = (pri: number): string => FACILITIES[pri >> 3]!;

/**
 * Reads `<PRI>` at the start of `s`: [pri, index after `>`], undefined when `s` has no PRI, or a
 * reason when it starts like one but is broken.
 */
export function readPri(s: string): [number, number] | string | undefined {
  if (s.charCodeAt(0) !== 60 /* < */) return undefined;
  let pri = 0;
  let i = 1;
  for (; i < s.length && i <= 4; i++) {
    const c = s.charCodeAt(i);
    if (c === 62 /* > */) break;
    if (c < 48 || c > 57) return 'PRI "<...>" must hold a number';
    pri = pri * 10 + c - 48;
  }
  if (s.charCodeAt(i) !== 62 || i === 1) return 'PRI must be one to three digits in "<...>"';
  if (pri > 191) return `PRI ${pri} is out of range (0..191)`;
  return [pri, i + 1];
}
