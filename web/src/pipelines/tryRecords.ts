// Pairs the try-out answer with the text that was sent: each result's byte offset gives its line
// number and, for filtered records (which the API returns without their text), the text itself.
import type { TryResponse } from '../../../src/api/types.ts';

export type TryResult = TryResponse['results'][number];

export interface TryRecord {
  result: TryResult;
  /** 1-based line of the text where the record starts. */
  line: number;
  /** The record's text as sent (without its line break). */
  text: string;
}

export function tryRecords(text: string, response: TryResponse): TryRecord[] {
  const bytes = new TextEncoder().encode(text);
  const decoder = new TextDecoder();
  const out: TryRecord[] = [];
  let line = 1;
  let scanned = 0;
  const results = response.results;
  for (let i = 0; i < results.length; i++) {
    const r = results[i]!;
    const start = Math.min(Math.max(r.offset, scanned), bytes.length);
    for (let b = scanned; b < start; b++) if (bytes[b] === 10) line++;
    scanned = start;
    const next = results[i + 1];
    const end = next ? Math.min(Math.max(next.offset, start), bytes.length) : bytes.length;
    const record = decoder.decode(bytes.subarray(start, end)).replace(/\r?\n$/, '');
    out.push({ result: r, line, text: record });
  }
  return out;
}

/** Bytes of `text` in UTF-8 (the API's limit is counted in bytes). */
export function byteLength(text: string): number {
  return new TextEncoder().encode(text).length;
}
