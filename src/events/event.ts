// The one canonical record every pipeline produces (DESIGN.md "The event"), and the dead letter
// that stands in for an input that could not become an event. Times are UTC microseconds since
// the Unix epoch (bigint-free: a double holds microseconds exactly until the year 2255).

export const KINDS = ['log', 'alert', 'status', 'metric', 'audit'] as const;
export type Kind = (typeof KINDS)[number];

/** Syslog order, least to most severe. */
export const SEVERITIES = [
  'debug',
  'info',
  'notice',
  'warning',
  'error',
  'critical',
  'alert',
  'emergency',
] as const;
export type Severity = (typeof SEVERITIES)[number];

export type AttrValue = string | number | boolean | null | AttrValue[] | { [k: string]: AttrValue };

export interface Lineage {
  /** Pipeline name from the configuration. */
  pipeline: string;
  /** Path the line was read from (or a source-specific locator such as `udp://host:port`). */
  file: string;
  /** Byte offset of the first byte of the record in its file (or a source-specific sequence). */
  offset: number;
}

export interface MortarEvent extends Lineage {
  /** Deterministic: hash of source identity + position, so replays are idempotent. */
  id: string;
  /** Event time, UTC microseconds. */
  ts: number;
  /** Ingest time, UTC microseconds. */
  receivedAt: number;
  subsystem: string;
  component: string;
  /** Source type: file, syslog, http, poll, otlp. */
  source: string;
  kind: Kind;
  type: string;
  severity: Severity;
  /** Correlation ids, e.g. `{ alarm_id: "A-17" }`. */
  keys: Record<string, string>;
  attrs: Record<string, AttrValue>;
  message: string;
  raw: string;
}

export interface DeadLetter extends Lineage {
  id: string;
  receivedAt: number;
  source: string;
  /** Which stage rejected it: framing, parse, map, ... */
  stage: string;
  /** Says what went wrong and, where possible, what to do. */
  reason: string;
  raw: string;
}
