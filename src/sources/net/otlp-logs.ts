// OTLP logs, JSON encoding (ExportLogsServiceRequest: resourceLogs[].scopeLogs[].logRecords[]),
// flattened to one JSON object per log record so that the `json` parser and map handle it like
// any other JSON line: time, observed_time (RFC 3339, nanoseconds), severity (TRACE..FATAL from
// severityNumber, else severityText), severity_text, severity_number, body (a string, or the
// structured value), trace_id, span_id, flags, event_name, scope, scope_version, then the resource
// attributes and the record's attributes (the record's win) as top-level fields, values typed.
// An attribute whose name is one of the fields above is kept as `attributes.<name>`.
import type { AttrValue } from '../../events/event.ts';

const RESERVED = new Set([
  'time',
  'observed_time',
  'severity',
  'severity_text',
  'severity_number',
  'body',
  'trace_id',
  'span_id',
  'flags',
  'event_name',
  'scope',
  'scope_version',
]);

const SEVERITY_NAMES = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];

type Json = Record<string, unknown>;

const obj = (v: unknown): Json | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** The log records of a request as flat JSON texts, or why the request is not one. */
export function otlpLogTexts(request: unknown): string[] | string {
  const req = obj(request);
  if (!req) return 'expected an ExportLogsServiceRequest object ({"resourceLogs": [...]})';
  if (req.resourceLogs !== undefined && !Array.isArray(req.resourceLogs))
    return 'resourceLogs must be an array';
  const out: string[] = [];
  for (const rl of arr(req.resourceLogs)) {
    const resource = obj(obj(rl)?.resource);
    const resourceAttrs = keyValues(resource?.attributes);
    // instrumentationLibraryLogs: the name before OTLP 0.15, still sent by old agents.
    for (const sl of arr(obj(rl)?.scopeLogs ?? obj(rl)?.instrumentationLibraryLogs)) {
      const scope = obj(obj(sl)?.scope ?? obj(sl)?.instrumentationLibrary);
      for (const lr of arr(obj(sl)?.logRecords))
        out.push(JSON.stringify(flatten(obj(lr) ?? {}, scope, resourceAttrs)));
    }
  }
  return out;
}

function flatten(
  lr: Json,
  scope: Json | undefined,
  resourceAttrs: Record<string, AttrValue>,
): Record<string, AttrValue> {
  const rec: Record<string, AttrValue> = {};
  const put = (k: string, v: AttrValue | undefined) => {
    if (v !== undefined && v !== '') rec[k] = v;
  };
  put('time', nanosToIso(lr.timeUnixNano) ?? nanosToIso(lr.observedTimeUnixNano));
  put('observed_time', nanosToIso(lr.observedTimeUnixNano));
  const num = Number(lr.severityNumber ?? 0);
  const text = typeof lr.severityText === 'string' ? lr.severityText : undefined;
  put('severity', num >= 1 && num <= 24 ? SEVERITY_NAMES[Math.floor((num - 1) / 4)] : text);
  put('severity_text', text);
  if (num > 0) put('severity_number', num);
  put('body', lr.body === undefined ? undefined : anyValue(lr.body));
  put('trace_id', hexId(lr.traceId));
  put('span_id', hexId(lr.spanId));
  if (typeof lr.flags === 'number' && lr.flags !== 0) put('flags', lr.flags);
  if (typeof lr.eventName === 'string') put('event_name', lr.eventName);
  if (typeof scope?.name === 'string') put('scope', scope.name);
  if (typeof scope?.version === 'string') put('scope_version', scope.version);
  const attrs = { ...resourceAttrs, ...keyValues(lr.attributes) };
  for (const [k, v] of Object.entries(attrs)) rec[RESERVED.has(k) ? `attributes.${k}` : k] = v;
  return rec;
}

/** A KeyValue list -> object. */
function keyValues(list: unknown): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = {};
  for (const kv of arr(list)) {
    const key = obj(kv)?.key;
    if (typeof key === 'string') out[key] = anyValue(obj(kv)?.value);
  }
  return out;
}

/** An OTLP AnyValue -> plain JSON (int64 beyond 2^53 stays text, bytes stay base64). */
export function anyValue(v: unknown): AttrValue {
  const o = obj(v);
  if (!o) return null;
  if ('stringValue' in o) return String(o.stringValue ?? '');
  if ('boolValue' in o) return o.boolValue === true || o.boolValue === 'true';
  if ('intValue' in o) {
    const n = Number(o.intValue);
    return Number.isSafeInteger(n) ? n : String(o.intValue);
  }
  if ('doubleValue' in o) {
    const n = Number(o.doubleValue);
    return Number.isFinite(n) ? n : String(o.doubleValue);
  }
  if ('arrayValue' in o) return arr(obj(o.arrayValue)?.values).map(anyValue);
  if ('kvlistValue' in o) return keyValues(obj(o.kvlistValue)?.values);
  if ('bytesValue' in o) return String(o.bytesValue ?? '');
  return null;
}

/** Nanoseconds since the epoch (string or number) -> RFC 3339 with nine fraction digits; 0 = unset. */
export function nanosToIso(ns: unknown): string | undefined {
  if (typeof ns !== 'string' && typeof ns !== 'number') return undefined;
  let n: bigint;
  try {
    n = BigInt(typeof ns === 'number' ? Math.round(ns) : ns.trim());
  } catch {
    return undefined;
  }
  if (n <= 0n) return undefined;
  const secs = n / 1_000_000_000n;
  const frac = String(n % 1_000_000_000n).padStart(9, '0');
  const date = new Date(Number(secs) * 1000);
  if (Number.isNaN(date.getTime())) return undefined;
  return `${date.toISOString().slice(0, 19)}.${frac}Z`;
}

/** OTLP JSON ids are hex; all zeros means none. */
function hexId(v: unknown): string | undefined {
  if (typeof v !== 'string' || !/^[0-9a-fA-F]+$/.test(v) || /^0+$/.test(v)) return undefined;
  return v.toLowerCase();
}
