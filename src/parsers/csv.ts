// The `csv` parser: one record of delimiter-separated values (RFC 4180: a quoted value may hold
// delimiters, doubled quotes and line breaks). Columns are named by `columns`, or by each file's
// header line (`header: true`): the record at offset 0 of a file is its header, remembered per file
// and returned as FILTERED (counted, no event). A value with a line break only arrives whole when
// multiline framing joined its lines; lines framing splits it and the halves become dead letters.
import type { ParserConfig } from '../config/schema.ts';
import { type Convert, clip, converter, type FieldType, setField, typeReason } from './fields.ts';
import { ComponentError, FILTERED, type Fields, inputOf, type Parser } from './parser.ts';

export type CsvParserConfig = Extract<ParserConfig, { type: 'csv' }>;

/** Headers remembered at once; beyond that the oldest file's is forgotten (bounded memory). */
const MAX_HEADERS = 10_000;

interface Header {
  text: string;
  columns: string[];
}

export function buildCsvParser(config: CsvParserConfig): Parser {
  const delimiter = config.delimiter;
  const quote = config.quote;
  if (delimiter === quote) throw new ComponentError(['quote'], 'quote and delimiter must differ');
  for (const [k, c] of [
    ['delimiter', delimiter],
    ['quote', quote],
  ] as const) {
    if (c === '\n' || c === '\r') throw new ComponentError([k], `a line break cannot be the ${k}`);
  }
  const fixed = config.columns;
  if (fixed) {
    const seen = new Set<string>();
    fixed.forEach((c, i) => {
      if (seen.has(c)) throw new ComponentError(['columns', i], `column "${c}" is named twice`);
      seen.add(c);
    });
  }
  const types = new Map<string, [FieldType, Convert]>();
  for (const [name, type] of Object.entries(config.types ?? {})) {
    if (fixed && !fixed.includes(name))
      throw new ComponentError(['types', name], `"${name}" is not a column`, `columns: ${fixed.join(', ')}`);
    if (type !== 'string') types.set(name, [type, converter(type)]);
  }
  const header = config.header;
  const strict = config.strict_columns;
  const split = splitter(delimiter, quote);
  const headers = new Map<string, Header>();

  return (fields: Fields, text: string, ctx) => {
    const input = inputOf(fields, text, config.field);
    if (input === undefined) return `field "${config.field}" is missing`;
    let columns = fixed;
    if (header) {
      if (ctx.offset === 0) {
        if (fixed) return FILTERED;
        const cells = split(input.charCodeAt(0) === 0xfeff ? input.slice(1) : input);
        if (typeof cells === 'string') return `header: ${cells}`;
        if (headers.size >= MAX_HEADERS) headers.delete(headers.keys().next().value!);
        headers.set(ctx.fileId, { text: input, columns: columnNames(cells) });
        return FILTERED;
      }
      if (!fixed) {
        const h = headers.get(ctx.fileId);
        if (!h)
          return 'the header line of this file was not read, so its columns are unknown (reading resumed mid-file?); list them in columns: to parse without it';
        if (input === h.text) return FILTERED; // the writer repeated its header (e.g. after a restart)
        columns = h.columns;
      }
    }
    const cells = split(input);
    if (typeof cells === 'string') return cells;
    if (columns && strict && cells.length !== columns.length)
      return `${cells.length} columns where ${columns.length} are expected (${clip(columns.join(', '))}); strict_columns: false accepts it`;
    for (let i = 0; i < cells.length; i++) {
      const name = columns?.[i] ?? `column${i + 1}`;
      const raw = cells[i]!;
      const typed = types.get(name);
      if (!typed) setField(fields, name, raw);
      else if (raw !== '') {
        const v = typed[1](raw);
        if (v === undefined) return typeReason(name, raw, typed[0]);
        setField(fields, name, v);
      }
    }
    return undefined;
  };
}

/** Header cells -> field names: trimmed; empty ones become columnN, repeated ones get _N. */
function columnNames(cells: string[]): string[] {
  const seen = new Set<string>();
  return cells.map((cell, i) => {
    let name = cell.trim() || `column${i + 1}`;
    if (seen.has(name)) name = `${name}_${i + 1}`;
    seen.add(name);
    return name;
  });
}

/** Splits one record into its values; returns a reason for broken quoting. */
export function splitter(delimiter: string, quote: string): (s: string) => string[] | string {
  const d = delimiter.charCodeAt(0);
  const q = quote.charCodeAt(0);
  return (s) => {
    if (!s.includes(quote)) return s.split(delimiter);
    const out: string[] = [];
    let i = 0;
    for (;;) {
      if (s.charCodeAt(i) !== q) {
        const k = s.indexOf(delimiter, i);
        if (k < 0) {
          out.push(s.slice(i));
          return out;
        }
        out.push(s.slice(i, k));
        i = k + 1;
        continue;
      }
      let value = '';
      let chunk = i + 1;
      for (;;) {
        const k = s.indexOf(quote, chunk);
        if (k < 0)
          return `unterminated quoted value in column ${out.length + 1}${s.includes('\n') ? '' : ' (a value spanning lines needs multiline framing)'}`;
        if (s.charCodeAt(k + 1) === q) {
          value += s.slice(chunk, k + 1); // "" is one quote
          chunk = k + 2;
          continue;
        }
        value += s.slice(chunk, k);
        i = k + 1;
        break;
      }
      out.push(value);
      if (i >= s.length) return out;
      if (s.charCodeAt(i) !== d) return `unexpected text after the closing quote of column ${out.length}`;
      i++;
    }
  };
}
