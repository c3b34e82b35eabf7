// Alarm-server log lines: RFC 5424 syslog with one structured-data element, e.g.
//   <132>1 2026-01-01T00:00:00.321456Z as-1 alarmd 2211 ALARM [alarm@32473 alarm_id="A-000001" ...] Alarm raised ...
// Facility local0 (16); the severity is part of PRI. Timestamps carry microseconds.
import { isoUtc } from './time.ts';

const FACILITY_LOCAL0 = 16;
const ENTERPRISE = 32473; // the example enterprise number reserved by RFC 5612

export const SYSLOG_SEVERITY = {
  emergency: 0,
  alert: 1,
  critical: 2,
  error: 3,
  warning: 4,
  notice: 5,
  info: 6,
  debug: 7,
} as const;
export type SyslogSeverity = keyof typeof SYSLOG_SEVERITY;

export interface AlarmServerLine {
  us: number;
  severity: SyslogSeverity;
  host: string;
  procid: number;
  msgid: string;
  /** Structured-data id without the enterprise suffix: alarm, hb, ha, sys. */
  sdId: string;
  params: Record<string, string | number>;
  message: string;
}

// RFC 5424 section 6.3.3: inside a PARAM-VALUE these three must be escaped.
const escapeParam = (v: string): string => v.replace(/["\\\]]/g, (c) => `\\${c}`);

export function alarmServerLine(l: AlarmServerLine): string {
  const pri = FACILITY_LOCAL0 * 8 + SYSLOG_SEVERITY[l.severity];
  const params = Object.entries(l.params)
    .map(([k, v]) => ` ${k}="${escapeParam(String(v))}"`)
    .join('');
  return `<${pri}>1 ${isoUtc(l.us, true)} ${l.host} alarmd ${l.procid} ${l.msgid} [${l.sdId}@${ENTERPRISE}${params}] ${l.message}`;
}

/** `A-000123`: six digits, growing beyond when the counter does. */
export const alarmIdOf = (n: number): string => `A-${String(n).padStart(6, '0')}`;
