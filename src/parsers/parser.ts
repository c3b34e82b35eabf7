// What every parser is: a function that reads the record text (or a field parsed earlier) and
// adds fields, or returns the reason it could not. Parsers never throw on bad input (bad data is
// counted and kept, not thrown); they throw ComponentError only while being built from config.
import type { AttrValue } from '../events/event.ts';

export type Fields = Record<string, AttrValue>;

/** Adds parsed fields to `fields`; returns undefined on success, else a reason for the dead letter. */
export type Parser = (fields: Fields, text: string) => string | undefined;

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
