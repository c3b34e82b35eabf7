// One buffer record = one commit of the agent's pipelines: a short JSON head line (sequence
// number, write time, row counts: read at recovery without parsing the rows) and the JSON body
// that is shipped as is: `{"seq", "positions", "events", "deadLetters"}`. `positions` is the full
// snapshot of every source position after this commit, so the last valid record alone says where
// the pipelines resume. A commit larger than a record may be is split into several records.
import type { DeadLetter, MortarEvent } from '../events/event.ts';
import type { SourcePosition } from '../sources/source.ts';

export interface RecordHead {
  seq: number;
  /** Write time, ms since the epoch (lag = now - oldest unshipped `at`). */
  at: number;
  events: number;
  deadLetters: number;
  /**
   * False on every record of a commit but its last (a large commit is split into several
   * records; only the last carries the positions): a commit whose last record is missing at
   * recovery was torn and is cut off whole.
   */
  last?: false;
}

export interface RecordBody {
  seq: number;
  positions: SourcePosition[];
  events: MortarEvent[];
  deadLetters: DeadLetter[];
}

export function encodeRecord(head: RecordHead, body: RecordBody): Buffer {
  return Buffer.from(`${JSON.stringify(head)}\n${JSON.stringify(body)}`);
}

export function recordHead(payload: Buffer): RecordHead {
  const nl = payload.indexOf(10);
  return JSON.parse(payload.subarray(0, nl).toString()) as RecordHead;
}

/** The body's JSON text, as shipped. */
export function recordBody(payload: Buffer): Buffer {
  return payload.subarray(payload.indexOf(10) + 1);
}
