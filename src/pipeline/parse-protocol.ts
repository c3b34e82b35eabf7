// The messages between the parse pool (main thread) and its worker threads, and the layout of the
// shared meter a worker writes while it parses so that the pool's watchdog can see which record,
// and which step of it, a worker is stuck on.
import type { PipelineConfig } from '../config/schema.ts';
import type { DeadLetter } from '../events/event.ts';
import type { PackedEvents } from './packed-events.ts';
import type { PackedRecords } from './packed-records.ts';

/** Meter slots (Int32Array over a SharedArrayBuffer, one per worker). */
export const METER_JOB = 0;
export const METER_RECORD = 1;
/** Slot 2 is the processor's step (processor.ts METER_STEP). */
export const METER_SLOTS = 4;

/** Builds (or replaces) the processor of a pipeline version in the worker. */
export interface DefineMessage {
  type: 'define';
  /** Pipeline version: the name plus a generation, so a reload never mixes two versions. */
  key: string;
  pipeline: string;
  config: PipelineConfig;
}

export interface ForgetMessage {
  type: 'forget';
  key: string;
}

export interface ParseMessage {
  type: 'parse';
  /** Never 0 (the meter's "idle"). */
  job: number;
  key: string;
  receivedAt: number;
  records: PackedRecords;
  /** Also name each filtered record (offset and step): the try-out path shows them, ingest only counts. */
  detail?: boolean;
}

export type ToWorker = DefineMessage | ForgetMessage | ParseMessage;

export interface ParsedMessage {
  type: 'parsed';
  job: number;
  events: PackedEvents;
  deadLetters: DeadLetter[];
  filtered: number;
  /** With `detail`: where each filtered record was dropped. */
  filteredAt?: FilteredAt[];
}

/** A record dropped on purpose: its offset and the step that dropped it (`parse[0]`, `transforms[1]`). */
export interface FilteredAt {
  offset: number;
  stage: string;
}

/** A bug in a parser (an exception): the job cannot be parsed. */
export interface FailedMessage {
  type: 'failed';
  job: number;
  error: string;
}

/** Sent once when the worker has loaded and can parse. */
export interface ReadyMessage {
  type: 'ready';
}

export type FromWorker = ParsedMessage | FailedMessage | ReadyMessage;
