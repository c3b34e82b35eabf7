// Turns one framed record into an event or a dead letter: parsers in order, then map, then the
// deterministic id. Never throws on bad input: a failing step yields a dead letter whose reason
// names the step.
import type { DeadLetter, MortarEvent } from '../events/event.ts';
import { eventId } from '../events/id.ts';
import type { Fields, Parser } from '../parsers/parser.ts';
import type { RawRecord, RejectedRecord } from '../sources/source.ts';
import type { MapFn } from '../transforms/map.ts';

export interface Processor {
  pipeline: string;
  process(record: RawRecord, receivedAt: number): MortarEvent | DeadLetter;
  reject(record: RejectedRecord, receivedAt: number): DeadLetter;
}

export const isDeadLetter = (x: MortarEvent | DeadLetter): x is DeadLetter => 'stage' in x;

export function createProcessor(opts: {
  pipeline: string;
  source: string;
  parsers: Parser[];
  map: MapFn;
}): Processor {
  const { pipeline, source, parsers, map } = opts;
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
      const fields: Fields = {};
      for (let i = 0; i < parsers.length; i++) {
        const reason = parsers[i]!(fields, record.text);
        if (reason !== undefined) return dead(record, receivedAt, `parse[${i}]`, reason, record.text);
      }
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
        ...mapped,
      };
    },
    reject(record, receivedAt) {
      return dead(record, receivedAt, 'framing', record.reason, record.raw);
    },
  };
}
