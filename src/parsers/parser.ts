// What every parser is: a function that reads the record text (or a field parsed earlier) and
// adds fields, or returns the reason it could not. Parsers never throw on bad input (bad data is
// counted and kept, not thrown); they throw ComponentError only while being built from config.
import type { AttrValue } from '../events/event.ts';

export type Fields = Record<string, AttrValue>;

/** Where a record came from, for parsers that need more than its text (csv headers, syslog years). */
export interface ParseContext {
  /** Identity of the file (or stream) the record belongs to. */
  fileId: string;
  /** Byte offset of the record in that file: 0 is its first record (a csv header). */
  offset: number;
  /** When the record was read, UTC microseconds. */
  receivedAtUs: number;
}

/**
 * A record that is deliberately not an event (a csv header, a line a filter drops): counted as
 * "filtered", its position still advances, it is no dead letter.
 */
export const FILTERED: unique symbol = Symbol('filtered');
export type ParseResult = string | typeof FILTERED | undefined;

/**
 * Adds parsed fields to `fields`; returns undefined on success, FILTERED to drop the record on
 * purpose, else a reason for the dead letter.
 */
export type Parser = (fields: Fields, text: string, ctx: ParseContext) => ParseResult;

/** A configuration problem found while building a component; `path` is relative to the component. */
export class ComponentError extends Error {
  constructor(
    readonly path: (string | number)[],
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** The text a parser works on: the record text, or a string field named by the `field` option. */
export function inputOf(fields: Fields, text: string, field: string | undefined): string | undefined {
  if (field === undefined) return text;
  const v = fields[field];
  return typeof v === 'string' ? v : v === undefined || v === null ? undefined : JSON.stringify(v);
}
