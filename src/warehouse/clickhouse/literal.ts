// The one literal encoder for ClickHouse SQL text. ClickHouse 18.16 (Debian's package) has no
// server-side query parameters, so every value that reaches a ClickHouse statement (queries and
// INSERT ... VALUES alike) is rendered here and nowhere else; the grammar it targets is the
// common subset of 18.16 and current releases:
//   strings   '...' with backslash escapes for \ and ' and every ASCII control character, so the
//             text between the quotes is plain printable UTF-8 (lone UTF-16 surrogates, which
//             UTF-8 cannot carry, become U+FFFD exactly as any UTF-8 encoder would make them);
//   integers  decimal digits, negatives parenthesised so `a -${v}` can never form a `--` comment;
//   floats    shortest round-trip decimal; NaN, ±Infinity and subnormals (which 18.16's parser
//             rejects) are refused rather than silently changed;
//   booleans  1 / 0 (18.16 has no `true`/`false`);  null  NULL;
//   timestamps integer UTC microseconds: every ClickHouse time column is Int64 µs.
import { isTimestampValue, type SqlValue } from '../sql.ts';

const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;
const MIN_NORMAL = 2.2250738585072014e-308;

const NAMED: Record<string, string> = {
  '\\': '\\\\',
  "'": "\\'",
  '\0': '\\0',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

function escapeChar(c: string): string {
  return NAMED[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
}

// Everything ClickHouse's lexer treats specially inside a quoted string, plus all control
// characters (C0 and DEL) so logs and error messages never carry raw ones.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this escapes
const SPECIAL = /[\\'\u0000-\u001f\u007f]/g;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** `s` with each lone UTF-16 surrogate replaced by U+FFFD (String#toWellFormed, ES2024). */
export function wellFormed(s: string): string {
  return s.replace(LONE_SURROGATE, '\uFFFD');
}

export function encodeString(s: string): string {
  if (typeof s !== 'string') throw new TypeError(`clickhouse literal: expected a string, got ${typeof s}`);
  return `'${wellFormed(s).replace(SPECIAL, escapeChar)}'`;
}

function integer(n: bigint): string {
  if (n < INT64_MIN || n > UINT64_MAX) {
    throw new TypeError(`clickhouse literal: ${n} is outside the 64-bit integer range`);
  }
  return n < 0n ? `(${n})` : `${n}`;
}

export function encodeNumber(n: number): string {
  if (typeof n !== 'number' || !Number.isFinite(n)) {
    throw new TypeError(`clickhouse literal: ${String(n)} is not a finite number`);
  }
  if (Number.isInteger(n) && Number.isSafeInteger(n)) return integer(BigInt(n));
  if (n !== 0 && Math.abs(n) < MIN_NORMAL) {
    throw new TypeError(`clickhouse literal: ${n} is subnormal, which ClickHouse cannot parse`);
  }
  // String() gives the shortest text that parses back to the same double (e.g. 1e+21, 0.1).
  const text = String(n);
  return n < 0 ? `(${text})` : text;
}

/** Integer UTC microseconds, the representation of every time in Mortar's ClickHouse schema. */
export function encodeTimestamp(us: number): string {
  if (!Number.isSafeInteger(us)) {
    throw new TypeError(`clickhouse literal: ${us} is not a time in integer UTC microseconds`);
  }
  return integer(BigInt(us));
}

/** Renders one bound value as ClickHouse literal text; throws TypeError for what it cannot encode exactly. */
export function encodeLiteral(value: SqlValue): string {
  if (value === null) return 'NULL';
  switch (typeof value) {
    case 'string':
      return encodeString(value);
    case 'number':
      return encodeNumber(value);
    case 'bigint':
      return integer(value);
    case 'boolean':
      return value ? '1' : '0';
    default:
      if (isTimestampValue(value)) return encodeTimestamp(value.us);
      throw new TypeError(`clickhouse literal: cannot encode ${typeof value}`);
  }
}
