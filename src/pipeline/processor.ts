// Turns one framed record into an event or a dead letter: parsers in order, then map, then the
// deterministic id. Never throws on bad input: a failing step yields a dead letter whose reason
// names the step.
import type { DeadLetter, MortarEvent } from '../events/event.ts';
import { eventId } from '../events/id.ts';
import { FILTERED, type Fields, type Parser } from '../parsers/parser.ts';
import type { RawRecord, RejectedRecord } from '../sources/source.ts';
import type { Transform } from '../transforms/build.ts';
import type { MapFn } from '../transforms/map.ts';

/** A record dropped on purpose (by a filter, or a csv header): counted, never stored. */
export interface Filtered {
  filtered: true;
  /** Which step dropped it, e.g. `parse[0]` or `transforms[1]`. */
  stage: string;
}

export interface Processor {
  pipeline: string;
  process(record: RawRecord, receivedAt: number): MortarEvent | DeadLetter | Filtered;
  reject(record: RejectedRecord, receivedAt: number): DeadLetter;
}

/** Slot of the processor's meter holding the step being run; see createProcessor's `meter`. */
export const METER_STEP = 2;
export const TRANSFORM_STEP = 1000;
export const MAP_STEP = 2000;

/** The name of a step as written to the meter, as dead letters name it (`parse[0]`, `transforms[1]`, `map`). */
export function stepName(step: number): string {
  if (step >= MAP_STEP) return 'map';
  if (step >= TRANSFORM_STEP) return `transforms[${step - TRANSFORM_STEP}]`;
  return `parse[${step}]`;
}

export const isDeadLetter = (x: MortarEvent | DeadLetter | Filtered): x is DeadLetter => 'reason' in x;
export const isFiltered = (x: MortarEvent | DeadLetter | Filtered): x is Filtered => 'filtered' in x;

export function createProcessor(opts: {
  pipeline: string;
  source: string;
  parsers: Parser[];
  transforms?: Transform[];
  map: MapFn;
  /**
   * Shared memory a watchdog reads (parse workers): the step being run is written to
   * `meter[METER_STEP]` before it starts (parser i: i, transform i: TRANSFORM_STEP + i, map: MAP_STEP).
   */
  meter?: Int32Array;
}): Processor {
  const { pipeline, source, parsers, map, meter } = opts;
  const transforms = opts.transforms ?? [];
  const dead = (
    r: { file: string; fileId: string; offset: number },
    receivedAt: number,
    stage: string,
    reason: string,
    raw: string,
  ): DeadLetter => ({
    id: eventId(pipeline, r.fileId, r.offset),
    receivedAt,
    source,
    pipeline,
    file: r.file,
    offset: r.offset,
    stage,
    reason,
    raw,
  });
  return {
    pipeline,
    process(record, receivedAt) {
      // Source meta (`_peer`, ...) first: parsed fields of the same name would win.
      const fields: Fields = record.meta ? { ...record.meta } : {};
      const ctx = { fileId: record.fileId, offset: record.offset, receivedAtUs: receivedAt };
      for (let i = 0; i < parsers.length; i++) {
        if (meter) meter[METER_STEP] = i;
        const result = parsers[i]!(fields, record.text, ctx);
        if (result === FILTERED) return { filtered: true, stage: `parse[${i}]` };
        if (result !== undefined) return dead(record, receivedAt, `parse[${i}]`, result, record.text);
      }
      for (let i = 0; i < transforms.length; i++) {
        if (meter) meter[METER_STEP] = TRANSFORM_STEP + i;
        const result = transforms[i]!(fields);
        if (result === FILTERED) return { filtered: true, stage: `transforms[${i}]` };
        if (result !== undefined) return dead(record, receivedAt, `transforms[${i}]`, result, record.text);
      }
      if (meter) meter[METER_STEP] = MAP_STEP;
      const mapped = map(fields, record.text, receivedAt);
      if (typeof mapped === 'string') return dead(record, receivedAt, 'map', mapped, record.text);
      return {
        id: eventId(pipeline, record.fileId, record.offset),
        receivedAt,
        source,
        pipeline,
        file: record.file,
        offset: record.offset,
        raw: record.text,
        // Named one by one, not spread: every event gets the same compact shape.
        ts: mapped.ts,
        subsystem: mapped.subsystem,
        component: mapped.component,
        kind: mapped.kind,
        type: mapped.type,
        severity: mapped.severity,
        message: mapped.message,
        keys: mapped.keys,
        attrs: mapped.attrs,
      };
    },
    reject(record, receivedAt) {
      return dead(record, receivedAt, 'framing', record.reason, record.raw);
    },
  };
}
