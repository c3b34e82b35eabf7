// The `map` step: parsed fields -> the event's own fields (time, subsystem, component, kind,
// type, severity, message, keys, attrs). It returns a reason instead of an event when a value
// cannot be mapped (bad time, unknown severity), which the pipeline turns into a dead letter.
import type { MapConfig } from '../config/schema.ts';
import { type AttrValue, KINDS, type Kind, type MortarEvent, type Severity } from '../events/event.ts';
import { ComponentError, type Fields } from '../parsers/parser.ts';
import { compileTimestamp, TimestampFormatError } from '../parsers/timestamp.ts';
import { compileValue, fieldsOf, getField, type ValueFn } from './template.ts';

/** The event fields the map step decides; id, lineage and raw come from the processor. */
export type Mapped = Pick<
  MortarEvent,
  'ts' | 'subsystem' | 'component' | 'kind' | 'type' | 'severity' | 'message' | 'keys' | 'attrs'
>;

export type MapFn = (fields: Fields, text: string, receivedAt: number) => Mapped | string;

const SEVERITY_ALIASES: Record<string, Severity> = {
  trace: 'debug',
  debug: 'debug',
  dbg: 'debug',
  d: 'debug',
  fine: 'debug',
  finer: 'debug',
  finest: 'debug',
  info: 'info',
  information: 'info',
  informational: 'info',
  i: 'info',
  notice: 'notice',
  n: 'notice',
  warn: 'warning',
  warning: 'warning',
  w: 'warning',
  err: 'error',
  error: 'error',
  e: 'error',
  crit: 'critical',
  critical: 'critical',
  fatal: 'critical',
  severe: 'critical',
  f: 'critical',
  c: 'critical',
  alert: 'alert',
  a: 'alert',
  emerg: 'emergency',
  emergency: 'emergency',
  panic: 'emergency',
};

export function buildMap(config: MapConfig, pipelineSubsystem: string): MapFn {
  const compile = (key: string, spec: MapConfig['subsystem']): ValueFn | undefined => {
    if (spec === undefined) return undefined;
    try {
      return compileValue(spec);
    } catch (e) {
      throw new ComponentError([key], (e as Error).message);
    }
  };
  let ts: ((s: string) => number | undefined) | undefined;
  if (config.ts) {
    try {
      ts = compileTimestamp(config.ts.format, config.ts.timezone);
    } catch (e) {
      if (e instanceof TimestampFormatError) throw new ComponentError(['ts', 'format'], e.message);
      throw e;
    }
  }
  const subsystem = compile('subsystem', config.subsystem);
  const component = compile('component', config.component);
  const kind = compile('kind', config.kind);
  const type = compile('type', config.type);
  const severity = compile('severity', config.severity);
  const message = compile('message', config.message);
  const keys = Object.entries(config.keys ?? {}).map(
    ([k, spec]) => [k, compile(`keys.${k}`, spec)!] as const,
  );

  const consumed = new Set<string>();
  if (config.ts) consumed.add(config.ts.from);
  for (const spec of Object.values(config.keys ?? {})) for (const f of fieldsOf(spec)) consumed.add(f);
  if (typeof config.message === 'string' && /^\{[^{}]+\}$/.test(config.message))
    consumed.add(config.message.slice(1, -1).trim());
  if (config.message === undefined) consumed.add('message');
  const include = config.attrs?.include ? new Set(config.attrs.include) : undefined;
  const exclude = new Set(config.attrs?.exclude ?? []);

  return (fields, text, receivedAt) => {
    let t = receivedAt;
    if (ts && config.ts) {
      const raw = getField(fields, config.ts.from);
      if (raw === undefined || raw === null) return `time field "${config.ts.from}" is missing`;
      const parsed = ts(String(raw));
      if (parsed === undefined) return `time "${String(raw)}" does not match format "${config.ts.format}"`;
      t = parsed;
    }
    const sub = subsystem?.(fields) ?? pipelineSubsystem;
    const k = kind?.(fields) ?? 'log';
    if (!(KINDS as readonly string[]).includes(k)) return `kind "${k}" is not one of ${KINDS.join(', ')}`;
    const sevText = severity?.(fields) ?? 'info';
    const sev = SEVERITY_ALIASES[sevText.toLowerCase()];
    if (!sev)
      return `severity "${sevText}" is not known; map it with severity: {from: ..., values: {${sevText}: warning}}`;
    const outKeys: Record<string, string> = {};
    for (const [name, fn] of keys) {
      const v = fn(fields);
      if (v !== undefined && v !== '') outKeys[name] = v;
    }
    const attrs: Record<string, AttrValue> = {};
    // Object.keys, not entries: one array per record instead of one per field (runs per line).
    for (const f of Object.keys(fields)) {
      if (include ? include.has(f) : !consumed.has(f) && !exclude.has(f)) attrs[f] = fields[f]!;
    }
    const msg = message ? message(fields) : typeof fields.message === 'string' ? fields.message : undefined;
    return {
      ts: t,
      subsystem: sub,
      component: component?.(fields) ?? sub,
      kind: k as Kind,
      type: type?.(fields) ?? k,
      severity: sev,
      message: msg ?? text,
      keys: outKeys,
      attrs,
    };
  };
}
