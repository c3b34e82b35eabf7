// The catalog's unpivot in TypeScript, for engines whose SQL cannot list a JSON document's paths
// (ClickHouse 18.16 has only the visitParam* functions): one event's fields with the same names,
// values and value classes as catalog-dialect.ts gives on DuckDB, and DuckDB's string hash
// (hash() over a VARCHAR, scaled to [0, 1)) so that the distinct-value sketch keeps the same values.
// catalog-unpivot.test.ts checks each against DuckDB's SQL on the same values.
import { PATTERNS, type ValueClass } from './catalog-dialect.ts';

/** One field of one event: what fieldRowsSql gives per row (`num`: written as a JSON number). */
export interface FieldValue {
  field: string;
  source: 'column' | 'keys' | 'attrs';
  value: string | null;
  cls: ValueClass | null;
  num: boolean;
}

const CLASS_RES: [ValueClass, RegExp][] = PATTERNS.map(([cls, re]) => {
  const ci = re.startsWith('(?i)');
  return [cls, new RegExp(`^(?:${ci ? re.slice(4) : re})$`, ci ? 'i' : '')];
});
// RE2's \s is ASCII whitespace without \v (JavaScript's also takes \v and Unicode spaces).
const SPACE = /[\t\n\f\r ]/;

/** The class of a text value as textClass gives it (NULL for an empty one). */
export function textClassOf(v: string | null): ValueClass | null {
  // SQL: `NULL = ''` is not true and no pattern matches NULL, so the CASE falls to its ELSE.
  if (v === null) return 'string';
  if (v === '') return null;
  for (const [cls, re] of CLASS_RES) if (re.test(v)) return cls;
  return SPACE.test(v) ? 'text' : 'string';
}

const MASK = (1n << 64n) - 1n;
const MUL = 0xd6e8feb86659fd93n;

function murmur64(x: bigint): bigint {
  let h = x ^ (x >> 32n);
  h = (h * MUL) & MASK;
  h ^= h >> 32n;
  h = (h * MUL) & MASK;
  return h ^ (h >> 32n);
}

/** DuckDB's hash() of a VARCHAR: its UTF-8 bytes in little-endian 8-byte blocks, then murmur64. */
export function duckdbStringHash(s: string): bigint {
  const b = Buffer.from(s, 'utf8');
  let h = 0xe17a1465n ^ ((BigInt(b.length) * 0xc6a4a7935bd1e995n) & MASK);
  const whole = b.length - (b.length % 8);
  for (let i = 0; i < whole; i += 8) h = ((h ^ b.readBigUInt64LE(i)) * MUL) & MASK;
  if (whole < b.length) {
    let rest = 0n;
    for (let i = b.length - 1; i >= whole; i--) rest = (rest << 8n) | BigInt(b[i]!);
    h = ((h ^ rest) * MUL) & MASK;
  }
  return murmur64(h);
}

/** hash01 (catalog-dialect.ts): the hash as a double (rounded like a UBIGINT cast), over 2^64. */
export function hash01Of(s: string): number {
  return Number(duckdbStringHash(s)) / 2 ** 64;
}

/** left(value, 200) on DuckDB: the first code points. */
export function sketchValue(v: string): string {
  if (v.length <= 200) return v;
  return Array.from(v).slice(0, 200).join('');
}

/** DuckDB's varchar order (bytes of UTF-8), which JavaScript's UTF-16 comparison differs from. */
export function compareText(a: string, b: string): number {
  return a === b ? 0 : Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** A number as DuckDB's JSON writer spells it: JavaScript's shortest form, exponent without `+`. */
const numberText = (n: number) => JSON.stringify(n).replace('e+', 'e');

/** A JSON value's text as DuckDB casts it to VARCHAR (minified). */
function jsonText(v: unknown): string {
  if (typeof v === 'number') return numberText(v);
  if (Array.isArray(v)) return `[${v.map(jsonText).join(',')}]`;
  if (v !== null && typeof v === 'object')
    return `{${Object.entries(v)
      .map(([k, x]) => `${JSON.stringify(k)}:${jsonText(x)}`)
      .join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

function leaf(field: string, v: unknown): FieldValue {
  if (v === null) return { field, source: 'attrs', value: null, cls: null, num: false };
  if (Array.isArray(v)) return { field, source: 'attrs', value: jsonText(v), cls: 'array', num: false };
  if (typeof v === 'boolean') return { field, source: 'attrs', value: String(v), cls: 'bool', num: false };
  if (typeof v === 'number') {
    const text = numberText(v);
    return { field, source: 'attrs', value: text, cls: /^-?[0-9]+$/.test(text) ? 'int' : 'float', num: true };
  }
  const s = String(v);
  return { field, source: 'attrs', value: s, cls: textClassOf(s), num: false };
}

/** Leaves of attrs as json_tree walks them: scalars and arrays inside objects (not inside arrays). */
function attrLeaves(prefix: string, obj: Record<string, unknown>, out: FieldValue[]): void {
  for (const [k, v] of Object.entries(obj)) {
    // DuckDB skips any path holding `[` (array elements, and keys spelled with one).
    if (k.includes('[')) continue;
    const path = `${prefix}${k.replaceAll('"', '')}`;
    if (v !== null && typeof v === 'object' && !Array.isArray(v))
      attrLeaves(`${path}.`, v as Record<string, unknown>, out);
    else out.push(leaf(`attrs.${path}`, v));
  }
}

export interface EventColumns {
  component: string;
  kind: string;
  severity: string;
  message: string;
  /** JSON text of the string map. */
  keys: string;
  /** JSON text of the object. */
  attrs: string;
}

/** The fields of one event, as fieldRowsSql unpivots it. */
export function eventFields(e: EventColumns, columns = true): FieldValue[] {
  const out: FieldValue[] = [];
  if (columns) {
    for (const field of ['component', 'kind', 'severity', 'message'] as const) {
      const value = e[field];
      out.push({ field, source: 'column', value, cls: textClassOf(value), num: false });
    }
  }
  const keys = JSON.parse(e.keys || '{}') as Record<string, string | null>;
  for (const [k, v] of Object.entries(keys)) {
    const value = v === null ? null : String(v);
    out.push({ field: `keys.${k}`, source: 'keys', value, cls: textClassOf(value), num: false });
  }
  const attrs = JSON.parse(e.attrs || '{}') as unknown;
  if (attrs !== null && typeof attrs === 'object' && !Array.isArray(attrs))
    attrLeaves('', attrs as Record<string, unknown>, out);
  return out;
}
