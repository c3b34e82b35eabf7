// Conversion between Mortar's plain values and @duckdb/node-api's DuckDBValue, both ways: bound
// parameters on the way in, result cells on the way out (timestamps become µs numbers, maps
// become objects, 64-bit integers become numbers).
import {
  DuckDBDecimalValue,
  DuckDBListValue,
  DuckDBMapValue,
  DuckDBStructValue,
  DuckDBTimestampMillisecondsValue,
  DuckDBTimestampNanosecondsValue,
  DuckDBTimestampSecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  type DuckDBValue,
  timestampValue,
} from '@duckdb/node-api';
import type { RowValue } from '../engine.ts';
import type { SqlValue } from '../sql.ts';

/** Integer microseconds for a TIMESTAMP cell; `what` names the field in the error. */
export function micros(us: number, what: string): bigint {
  if (!Number.isFinite(us)) throw new TypeError(`${what}: ${us} is not a time in UTC microseconds`);
  return BigInt(Math.round(us));
}

export function bigintOf(n: number, what: string): bigint {
  if (!Number.isSafeInteger(n)) throw new TypeError(`${what}: ${n} is not an integer`);
  return BigInt(n);
}

/** Safe integers bind as BIGINT (a JS number alone would bind as DOUBLE). */
export function toDuckValue(v: SqlValue): DuckDBValue {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? BigInt(v) : v;
  if (v !== null && typeof v === 'object') return timestampValue(micros(v.us, 'timestamp parameter'));
  return v;
}

export function fromDuckValue(v: DuckDBValue): RowValue {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof DuckDBTimestampValue || v instanceof DuckDBTimestampTZValue) return Number(v.micros);
  if (v instanceof DuckDBTimestampMillisecondsValue) return Number(v.millis) * 1000;
  if (v instanceof DuckDBTimestampSecondsValue) return Number(v.seconds) * 1_000_000;
  if (v instanceof DuckDBTimestampNanosecondsValue) return Number(v.nanos / 1000n);
  if (v instanceof DuckDBMapValue) {
    const out: Record<string, RowValue> = {};
    for (const { key, value } of v.entries) out[String(key)] = fromDuckValue(value);
    return out;
  }
  if (v instanceof DuckDBListValue) return v.items.map(fromDuckValue);
  if (v instanceof DuckDBStructValue) {
    const out: Record<string, RowValue> = {};
    for (const [k, x] of Object.entries(v.entries)) out[k] = fromDuckValue(x);
    return out;
  }
  if (v instanceof DuckDBDecimalValue) return v.toDouble();
  return String(v);
}
