// The `syslog` parser: one syslog message, RFC 5424 (`<165>1 2026-11-26T12:00:00.1Z host app 42
// ID [sd@1 k="v"] text`) or RFC 3164 and its real-world variants (`<13>Nov  6 12:00:00 host
// tag[42]: text`), told apart by the version after the PRI in `format: auto`. RFC 3164 times have
// no zone and no year: `timezone` supplies the zone, the receive time the year (syslog/rfc3164.ts).
// Fields: pri, facility, severity, timestamp (ISO 8601 UTC, µs), hostname, app_name, procid, msgid,
// structured_data, message; parts a message lacks (or gives as `-`) are left out.
import type { ParserConfig } from '../config/schema.ts';
import type { AttrValue } from '../events/event.ts';
import { usToIso } from '../events/time.ts';
import { type Convert, convertAll, converter, type FieldType, setField, typeReason } from './fields.ts';
import { ComponentError, type Fields, inputOf, type Parser } from './parser.ts';
import type { SdElement, SyslogMessage } from './syslog/message.ts';
import { facilityName, readPri, severityName } from './syslog/pri.ts';
import { reader3164 } from './syslog/rfc3164.ts';
import { read5424 } from './syslog/rfc5424.ts';
import { checkZone } from './zone.ts';

export type SyslogParserConfig = Extract<ParserConfig, { type: 'syslog' }>;

/** Fields of the header; in `structured_data: flat` a parameter of the same name gives way to them. */
const HEADER = new Set([
  'pri',
  'facility',
  'severity',
  'timestamp',
  'hostname',
  'app_name',
  'procid',
  'msgid',
  'message',
]);

export function buildSyslogParser(config: SyslogParserConfig): Parser {
  const format = config.format;
  const zone = config.timezone;
  if (format !== 'rfc5424') {
    if (zone === undefined)
      throw new ComponentError(
        ['timezone'],
        `format ${format} needs timezone: RFC 3164 times carry no zone`,
        'the zone the senders’ clocks run in, an IANA name such as Europe/Berlin, or UTC; or set format: rfc5424',
      );
    try {
      checkZone(zone);
    } catch {
      throw new ComponentError(
        ['timezone'],
        `unknown time zone "${zone}"`,
        'an IANA name such as Europe/Berlin, or UTC',
      );
    }
  }
  const read3164 = zone === undefined ? undefined : reader3164(zone);
  const flat = config.structured_data === 'flat';
  const types = new Map<string, [FieldType, Convert]>();
  for (const [name, type] of Object.entries(config.types ?? {}))
    if (type !== 'string') types.set(name, [type, converter(type)]);
  const where = config.field ? ` (field "${config.field}")` : '';

  return (fields: Fields, text: string, ctx) => {
    const input = inputOf(fields, text, config.field);
    if (input === undefined) return `field "${config.field}" is missing`;
    const pri = readPri(input);
    if (typeof pri === 'string') return pri + where;
    let m: SyslogMessage | string;
    if (format === 'rfc5424' || (format === 'auto' && pri !== undefined && isVersion(input, pri[1]))) {
      m =
        pri === undefined
          ? 'RFC 5424 requires a PRI such as <134> at the start'
          : read5424(input, pri[1], pri[0]);
    } else {
      m = read3164!(input, pri?.[1] ?? 0, ctx.receivedAtUs);
      if (typeof m !== 'string' && pri !== undefined) m.pri = pri[0];
    }
    if (typeof m === 'string') return m + where;
    if (m.structuredData) {
      const reason = flat
        ? writeFlat(fields, m.structuredData, types)
        : writeNested(fields, m.structuredData, types);
      if (reason !== undefined) return reason;
    }
    writeHeader(fields, m);
    return undefined;
  };
}

/** A version number and a space right after the PRI: RFC 5424 (RFC 3164 has a timestamp there). */
function isVersion(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  if (c < 49 || c > 57) return false;
  let j = i + 1;
  while (j < i + 3 && s.charCodeAt(j) >= 48 && s.charCodeAt(j) <= 57) j++;
  return s.charCodeAt(j) === 32;
}

function writeHeader(fields: Fields, m: SyslogMessage): void {
  if (m.pri !== undefined) {
    fields.pri = m.pri;
    fields.facility = facilityName(m.pri);
    fields.severity = severityName(m.pri);
  }
  if (m.timestampUs !== undefined) fields.timestamp = usToIso(m.timestampUs);
  if (m.hostname !== undefined) fields.hostname = m.hostname;
  if (m.appName !== undefined) fields.app_name = m.appName;
  if (m.procid !== undefined) fields.procid = m.procid;
  if (m.msgid !== undefined) fields.msgid = m.msgid;
  if (m.message !== undefined) fields.message = m.message;
}

/** Adds a parameter to `into`: a repeated name (RFC 5424 allows it) collects its values in an array. */
function addParam(into: Fields, name: string, value: string): void {
  const prev = Object.hasOwn(into, name) ? into[name] : undefined;
  if (Array.isArray(prev)) prev.push(value);
  else setField(into, name, prev === undefined ? value : [prev, value]);
}

function convert(into: Fields, names: Iterable<string>, types: Map<string, [FieldType, Convert]>) {
  for (const name of names) {
    const t = types.get(name);
    if (!t || !Object.hasOwn(into, name)) continue;
    const raw = into[name] as AttrValue;
    const v = convertAll(raw, t[1]);
    if (v === undefined) return typeReason(name, raw, t[0]);
    setField(into, name, v);
  }
  return undefined;
}

/** `{ "alarm@32473": { "alarm_id": "A-1" } }` under `structured_data`. */
function writeNested(fields: Fields, sd: SdElement[], types: Map<string, [FieldType, Convert]>) {
  const out: Fields = {};
  for (const el of sd) {
    const params: Fields = {};
    for (const [name, value] of el.params) addParam(params, name, value);
    const reason = convert(params, types.keys(), types);
    if (reason !== undefined) return reason;
    setField(out, el.id, params);
  }
  fields.structured_data = out;
  return undefined;
}

/** Every parameter of every element as a field of its own (`alarm_id`); the SD-IDs are dropped. */
function writeFlat(fields: Fields, sd: SdElement[], types: Map<string, [FieldType, Convert]>) {
  const params: Fields = {};
  for (const el of sd)
    for (const [name, value] of el.params) if (!HEADER.has(name)) addParam(params, name, value);
  const reason = convert(params, types.keys(), types);
  if (reason !== undefined) return reason;
  for (const [name, value] of Object.entries(params)) setField(fields, name, value);
  return undefined;
}
