// The `kv` parser: `key=value` pairs anywhere in a text (`user=bob id=7 msg="a b"`), with
// configurable separators and quotes; words without a value separator are skipped. `mode: logfmt`
// is Go's logfmt (github.com/go-logfmt): whitespace-separated, `"`-quoted values with JSON escapes,
// a bare `key` is true, `key=` is the empty string, and a stray `"` makes the line invalid.
// A key that occurs more than once keeps its last value unless `duplicates` says otherwise.
import type { ParserConfig } from '../config/schema.ts';
import type { AttrValue } from '../events/event.ts';
import { type Convert, clip, convertAll, converter, type FieldType, setField, typeReason } from './fields.ts';
import { ComponentError, type Fields, inputOf, type Parser } from './parser.ts';

export type KvParserConfig = Extract<ParserConfig, { type: 'kv' }>;

interface Syntax {
  /** undefined: any run of whitespace separates pairs. */
  fieldSplit: string | undefined;
  valueSplit: string;
  quotes: string;
  logfmt: boolean;
  trim: boolean;
}

type Emit = (key: string, value: string | true) => void;

export function buildKvParser(config: KvParserConfig): Parser {
  const syntax = syntaxOf(config);
  if (config.include_keys && config.exclude_keys)
    throw new ComponentError(
      ['exclude_keys'],
      'include_keys and exclude_keys exclude each other',
      'keep one',
    );
  const include = config.include_keys ? new Set(config.include_keys) : undefined;
  const exclude = config.exclude_keys ? new Set(config.exclude_keys) : undefined;
  const prefix = config.prefix ?? '';
  const duplicates = config.duplicates;
  const types = new Map<string, [FieldType, Convert]>();
  for (const [key, type] of Object.entries(config.types ?? {})) {
    if (include && !include.has(key))
      throw new ComponentError(['types', key], `"${key}" is not in include_keys, so it is never produced`);
    if (type !== 'string') types.set(key, [type, converter(type)]);
  }
  const where = config.field ? ` in field "${config.field}"` : '';
  const none = syntax.logfmt ? 'no logfmt pair' : `no key${syntax.valueSplit}value pair`;

  return (fields: Fields, text: string) => {
    const input = inputOf(fields, text, config.field);
    if (input === undefined) return `field "${config.field}" is missing`;
    const found = new Map<string, AttrValue>();
    let pairs = 0;
    const reason = scan(input, syntax, (key, value) => {
      pairs++;
      if (include ? !include.has(key) : exclude?.has(key)) return;
      const prev = found.get(key);
      if (prev === undefined || duplicates === 'last') found.set(key, value);
      else if (duplicates === 'array') {
        if (Array.isArray(prev)) prev.push(value);
        else found.set(key, [prev, value]);
      }
    });
    if (reason !== undefined) return `${reason}${where}`;
    if (pairs === 0) return `${none} found${where}`;
    for (const [key, raw] of found) {
      let value = raw;
      const typed = types.get(key);
      if (typed) {
        const v = convertAll(raw, typed[1]);
        if (v === undefined) return typeReason(key, raw, typed[0]);
        value = v;
      }
      setField(fields, prefix + key, value);
    }
    return undefined;
  };
}

function syntaxOf(config: KvParserConfig): Syntax {
  if (config.mode === 'logfmt') {
    for (const k of ['field_split', 'value_split', 'quotes'] as const) {
      if (config[k] !== undefined)
        throw new ComponentError(
          [k],
          `mode logfmt fixes ${k}`,
          'remove it, or remove mode: logfmt to choose the syntax yourself',
        );
    }
    return { fieldSplit: undefined, valueSplit: '=', quotes: '"', logfmt: true, trim: false };
  }
  const fieldSplit = config.field_split;
  const valueSplit = config.value_split ?? '=';
  // A blank field_split (other than a tab) means any run of whitespace, like the default.
  const anySpace = fieldSplit === undefined || (fieldSplit.trim() === '' && fieldSplit !== '\t');
  if (
    anySpace ? valueSplit.trim() === '' : fieldSplit.includes(valueSplit) || valueSplit.includes(fieldSplit)
  )
    throw new ComponentError(['value_split'], 'field_split and value_split overlap, so pairs are ambiguous');
  const quotes = (config.quotes ?? ['"', "'"]).join('');
  return {
    fieldSplit: anySpace ? undefined : fieldSplit,
    valueSplit,
    quotes,
    logfmt: false,
    trim: config.trim,
  };
}

const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);

/** Calls `emit` for each pair of `s`; returns a reason when the text breaks the syntax. */
function scan(s: string, syn: Syntax, emit: Emit): string | undefined {
  const n = s.length;
  const fs = syn.fieldSplit;
  const ws = fs === undefined;
  const fsLen = fs?.length ?? 1;
  const fs0 = fs?.charCodeAt(0) ?? -1;
  const vs = syn.valueSplit;
  const vsLen = vs.length;
  const vs0 = vs.charCodeAt(0);
  const { logfmt, trim } = syn;
  // Inlined separator tests: this loop runs once per character of every record.
  const atField = (c: number, i: number): boolean =>
    ws ? c <= 32 && isSpace(c) : c === fs0 && (fsLen === 1 || s.startsWith(fs, i));
  let i = 0;
  while (i < n) {
    let c = s.charCodeAt(i);
    if (atField(c, i)) {
      i += fsLen;
      continue;
    }
    if (trim && isSpace(c)) {
      i++;
      continue;
    }
    const keyStart = i;
    let atValue = false;
    for (; i < n; i++) {
      c = s.charCodeAt(i);
      if (c === vs0 && (vsLen === 1 || s.startsWith(vs, i))) {
        atValue = true;
        break;
      }
      if (atField(c, i)) break;
      if (logfmt && c === 34) return `unexpected '"' in a key at column ${i + 1}`;
    }
    const key = trim && !ws ? s.slice(keyStart, i).trim() : s.slice(keyStart, i);
    if (!atValue) {
      if (logfmt) emit(key, true); // a bare word: a flag in logfmt, free text otherwise
      continue;
    }
    if (key === '' && logfmt) return `unexpected '=' without a key at column ${i + 1}`;
    i += vsLen;
    if (trim && !ws) while (i < n && isSpace(s.charCodeAt(i)) && !atField(s.charCodeAt(i), i)) i++;
    let value: string;
    if (i < n && syn.quotes.includes(s[i]!)) {
      const q = readQuoted(s, i, logfmt);
      if (typeof q === 'string') return `${q} in the value of "${clip(key)}"`;
      value = q.value;
      i = q.end;
    } else {
      const valueStart = i;
      for (; i < n; i++) {
        c = s.charCodeAt(i);
        if (atField(c, i)) break;
        if (logfmt && c === 34) return `unexpected '"' in the value of "${clip(key)}" at column ${i + 1}`;
      }
      value = trim && !ws ? s.slice(valueStart, i).trim() : s.slice(valueStart, i);
    }
    if (key !== '') emit(key, value);
  }
  return undefined;
}

/** Reads the quoted value starting at `start` (its opening quote): unescaped text and the end. */
function readQuoted(s: string, start: number, json: boolean): { value: string; end: number } | string {
  const quote = s.charCodeAt(start);
  let out = '';
  let chunk = start + 1;
  for (let i = chunk; i < s.length; ) {
    const c = s.charCodeAt(i);
    if (c === quote) return { value: out + s.slice(chunk, i), end: i + 1 };
    if (c !== 92) {
      i++;
      continue;
    }
    out += s.slice(chunk, i);
    if (i + 1 >= s.length) break;
    if (json) {
      const e = jsonEscape(s, i);
      if (e === undefined) return `invalid escape "${clip(s.slice(i, i + 6))}"`;
      out += e[0];
      i += e[1];
    } else {
      out += s[i + 1];
      i += 2;
    }
    chunk = i;
  }
  return 'unterminated quote';
}

const SIMPLE: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

/** A JSON escape at `i` (the backslash): its text and length, as Go's logfmt decodes them. */
function jsonEscape(s: string, i: number): [string, number] | undefined {
  const e = s[i + 1]!;
  const simple = SIMPLE[e];
  if (simple !== undefined) return [simple, 2];
  if (e !== 'u') return undefined;
  const hex = s.slice(i + 2, i + 6);
  return /^[0-9A-Fa-f]{4}$/.test(hex) ? [String.fromCharCode(Number.parseInt(hex, 16)), 6] : undefined;
}
