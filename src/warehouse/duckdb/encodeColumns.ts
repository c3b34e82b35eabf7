// Turns a batch of rows into one string per column: the form in which a commit hands rows to
// DuckDB, so a few large strings cross from JS into native code instead of one value per cell
// (the appender's cost). Pure JS with no DuckDB in it, so it can run wherever the rows are.
//
// Encodings, decoded by the SQL in insertRows.ts:
// - text: the values joined by U+001E (ASCII record separator), split again by `string_split`; a
//   column in which some value contains U+001E goes as a JSON array of strings instead.
// - time, int: a JSON array of integers (times in UTC µs, rounded to whole µs as before; one
//   beyond 2^53 µs, past the year 2255, is written as its shortest round-trip digits). Sending
//   differences from a base would print faster, but a BIGINT parameter in the SELECT made
//   DuckDB's side of the INSERT 3-5x slower (measured), so the values go whole.
// - json: a JSON array of the values (attrs); DuckDB stores each element as JSON text.
// - map: a JSON array of objects with string values (keys); null values are dropped in SQL.
// JSON.stringify escapes an unpaired UTF-16 surrogate as `\udXXX`, which DuckDB's JSON reader
// refuses; it becomes U+FFFD, as it does in a text column when a JS string is converted to UTF-8.

export type FieldKind = 'text' | 'time' | 'int' | 'json' | 'map';

export interface Field<T> {
  /** Column of the table. */
  readonly column: string;
  /** Property of the row. */
  readonly key: keyof T & string;
  readonly kind: FieldKind;
}

export interface EncodedColumn {
  /** How `text` is to be decoded: separator-joined (`split`) or a JSON array (`json`). */
  readonly encoding: 'split' | 'json';
  readonly text: string;
  /** map columns only: some value may be null, so the SQL filters null values out. */
  readonly maybeNull?: boolean;
}

export const SEPARATOR = '\u001e';

const EMPTY: Readonly<Record<string, never>> = Object.freeze({});

// An escape `\udXXX` preceded by an even number of backslashes (an odd number would make it
// literal text). JSON.stringify writes lowercase hex and never escapes a well-formed pair.
const LONE_SURROGATE = /(?<!\\)((?:\\\\)*)\\ud[89a-f][0-9a-f]{2}/g;

/** JSON text DuckDB accepts: unpaired surrogate escapes replaced by U+FFFD. */
export function wellFormedJson(json: string): string {
  return json.includes('\\ud') ? json.replace(LONE_SURROGATE, '$1\\ufffd') : json;
}

type Row = { readonly id: string };

function fail(label: string, row: Row, key: string, message: string): never {
  throw new TypeError(`${label} ${row.id} ${key}: ${message}`);
}

function describe(v: unknown): string {
  return v === null ? 'null' : typeof v === 'number' ? String(v) : typeof v;
}

function textColumn<T extends Row>(rows: readonly T[], key: keyof T & string, label: string): EncodedColumn {
  const values = new Array<string>(rows.length);
  let joinable = true;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const v = row[key];
    if (typeof v !== 'string') fail(label, row, key, `expected text, got ${describe(v)}`);
    if (joinable && v.includes(SEPARATOR)) joinable = false;
    values[i] = v;
  }
  return joinable
    ? { encoding: 'split', text: values.join(SEPARATOR) }
    : { encoding: 'json', text: wellFormedJson(JSON.stringify(values)) };
}

function integerColumn<T extends Row>(
  rows: readonly T[],
  key: keyof T & string,
  label: string,
  round: boolean,
): EncodedColumn {
  const values = new Array<number>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const v = row[key];
    if (typeof v !== 'number') fail(label, row, key, `expected a number, got ${describe(v)}`);
    if (Number.isSafeInteger(v)) values[i] = v;
    // Any finite time goes through, as it did before: a parsed year 3000 must not stall a commit.
    else if (round && Number.isFinite(v)) values[i] = Math.round(v);
    else fail(label, row, key, `${v} is not ${round ? 'a time in UTC microseconds' : 'an integer'}`);
  }
  return { encoding: 'json', text: JSON.stringify(values) };
}

function objectColumn<T extends Row>(rows: readonly T[], key: keyof T & string, map: boolean): EncodedColumn {
  const values = new Array<unknown>(rows.length);
  for (let i = 0; i < rows.length; i++) values[i] = rows[i]![key] ?? EMPTY;
  const text = wellFormedJson(JSON.stringify(values));
  // A false positive (a string value containing `:null`) only costs the filter.
  return map ? { encoding: 'json', text, maybeNull: text.includes(':null') } : { encoding: 'json', text };
}

function encodeColumn<T extends Row>(rows: readonly T[], f: Field<T>, label: string): EncodedColumn {
  switch (f.kind) {
    case 'text':
      return textColumn(rows, f.key, label);
    case 'time':
      return integerColumn(rows, f.key, label, true);
    case 'int':
      return integerColumn(rows, f.key, label, false);
    case 'json':
      return objectColumn(rows, f.key, false);
    case 'map':
      return objectColumn(rows, f.key, true);
  }
}

/** One encoded column per field, in field order; throws a TypeError naming the row on bad values. */
export function encodeColumns<T extends Row>(
  rows: readonly T[],
  fields: readonly Field<T>[],
  label: string,
): EncodedColumn[] {
  return fields.map((f) => encodeColumn(rows, f, label));
}
