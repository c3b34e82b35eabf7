// A parse worker thread: builds the processors of the pipelines the pool defines (parsers,
// transforms, map) and turns batches of framed records into events, dead letters and a filtered
// count, in order. While it works it writes the job, the record and the step it is on into shared
// memory, so the pool's watchdog can name the record that overran its budget and restart it.
import { parentPort, workerData } from 'node:worker_threads';
import type { DeadLetter, MortarEvent } from '../events/event.ts';
import { buildParser } from '../parsers/build.ts';
import { buildTransform } from '../transforms/build.ts';
import { buildMap } from '../transforms/map.ts';
import { packEvents, unpackEvents } from './packed-events.ts';
import { unpackRecord } from './packed-records.ts';
import {
  type FilteredAt,
  type FromWorker,
  METER_JOB,
  METER_RECORD,
  type ParsedMessage,
  type ParseMessage,
  type ToWorker,
} from './parse-protocol.ts';
import { createProcessor, isDeadLetter, isFiltered, type Processor } from './processor.ts';

const meter = new Int32Array(workerData.meter as SharedArrayBuffer);
const processors = new Map<string, Processor>();
const port = parentPort!;

function parse(m: ParseMessage): FromWorker {
  const processor = processors.get(m.key);
  if (!processor)
    return { type: 'failed', job: m.job, error: `parse worker: pipeline ${m.key} is not defined` };
  const events: MortarEvent[] = [];
  const deadLetters: DeadLetter[] = [];
  let filtered = 0;
  const filteredAt: FilteredAt[] | undefined = m.detail ? [] : undefined;
  meter[METER_JOB] = m.job;
  try {
    const records = m.records;
    for (let i = 0; i < records.count; i++) {
      meter[METER_RECORD] = i;
      const record = unpackRecord(records, i);
      const out = processor.process(record, m.receivedAt);
      if (isFiltered(out)) {
        filtered++;
        filteredAt?.push({ offset: record.offset, stage: out.stage });
      } else if (isDeadLetter(out)) deadLetters.push(out);
      else if (nestedDeeperThan(out.attrs, MAX_DEPTH)) deadLetters.push(tooDeep(out));
      else events.push(out);
    }
  } catch (e) {
    return { type: 'failed', job: m.job, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  } finally {
    meter[METER_JOB] = 0;
  }
  return { type: 'parsed', job: m.job, events: packEvents(events), deadLetters, filtered, filteredAt };
}

/**
 * Nesting the main thread can take: a message is decoded there on a smaller stack than the
 * worker's, and one it cannot decode is lost without an answer.
 */
const MAX_DEPTH = 256;

/** Walks without allocating (no Object.values array per object): it runs on every event's attrs. */
function nestedDeeperThan(v: unknown, limit: number): boolean {
  if (typeof v !== 'object' || v === null) return false;
  if (limit === 0) return true;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (nestedDeeperThan(v[i], limit - 1)) return true;
    return false;
  }
  const o = v as Record<string, unknown>;
  for (const k in o) if (Object.hasOwn(o, k) && nestedDeeperThan(o[k], limit - 1)) return true;
  return false;
}

function tooDeep(ev: MortarEvent): DeadLetter {
  return deadFrom(
    ev,
    `the parsed record is nested more than ${MAX_DEPTH} levels deep; flatten it or parse that part as text`,
  );
}

function deadFrom(ev: MortarEvent, reason: string): DeadLetter {
  return {
    id: ev.id,
    receivedAt: ev.receivedAt,
    source: ev.source,
    pipeline: ev.pipeline,
    file: ev.file,
    offset: ev.offset,
    stage: 'transfer',
    reason,
    raw: ev.raw,
  };
}

function send(out: FromWorker): void {
  if (out.type !== 'parsed') {
    port.postMessage(out);
    return;
  }
  const e = out.events;
  try {
    port.postMessage(
      out,
      [e.refs, e.ts, e.receivedAt, e.offsets].map((a) => a.buffer as ArrayBuffer),
    );
  } catch (error) {
    port.postMessage(salvage(out, error));
  }
}

/**
 * Some value could not be passed to the main thread (structured clone has limits, e.g. nesting
 * deeper than its stack): the events that cannot cross become dead letters, the others go on.
 */
function salvage(out: ParsedMessage, error: unknown): ParsedMessage {
  const events: MortarEvent[] = [];
  const deadLetters = [...out.deadLetters];
  for (const ev of unpackEvents(out.events)) {
    try {
      structuredClone(ev);
      events.push(ev);
    } catch {
      const why = error instanceof Error ? error.message : String(error);
      deadLetters.push(deadFrom(ev, `the parsed record cannot be passed on from the parse worker (${why})`));
    }
  }
  return { ...out, events: packEvents(events), deadLetters };
}

port.on('message', (m: ToWorker) => {
  switch (m.type) {
    case 'define': {
      const p = m.config;
      processors.set(
        m.key,
        createProcessor({
          pipeline: m.pipeline,
          source: p.source.type,
          parsers: p.parsers.map(buildParser),
          transforms: p.transforms.map(buildTransform),
          map: buildMap(p.map, p.subsystem),
          meter,
        }),
      );
      break;
    }
    case 'forget':
      processors.delete(m.key);
      break;
    case 'parse':
      send(parse(m));
      break;
  }
});

port.postMessage({ type: 'ready' } satisfies FromWorker);
