// The literal encoder: the exact text it produces, what it refuses, and a round trip of hostile
// values through a real (private) ClickHouse server, where the server's parser has the last word.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClickHouseServer, startClickHouse } from '../../../test/support/clickhouse.ts';
import { sql } from '../sql.ts';
import { encodeLiteral, encodeNumber, encodeString, encodeTimestamp } from './literal.ts';
import { type ClickHouseNode, openNode } from './node.ts';

const CONTROL = `${Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join('')}\u007f`;

const HOSTILE = [
  '',
  "'",
  "''",
  "\\'",
  '\\',
  '\\\\',
  "'; drop table events; --",
  "') or 1=1 --",
  '/* comment */ select',
  '`backtick` "double"',
  '\\x41\\0\\n (escape text, not escapes)',
  CONTROL,
  'nul\u0000inside',
  'Tür ÜBER Straße ß İ ı',
  '日本語 😀 👩‍👩‍👧 e\u0301',
  '\u2028\u2029\ufeff\u200b',
  'x'.repeat(100_000),
];

describe('clickhouse literal encoder (text)', () => {
  it('escapes exactly the characters the lexer treats specially, and control characters', () => {
    expect(encodeString("it's")).toBe("'it\\'s'");
    expect(encodeString('a\\b')).toBe("'a\\\\b'");
    expect(encodeString('\u0000\n\t\r\b\f')).toBe("'\\0\\n\\t\\r\\b\\f'");
    expect(encodeString('\u0001\u001f\u007f')).toBe("'\\x01\\x1f\\x7f'");
    expect(encodeString('ü😀')).toBe("'ü😀'");
    for (const s of HOSTILE) {
      const body = encodeString(s).slice(1, -1);
      // No unescaped quote and no raw control character survives between the quotes.
      const left = body.replace(/\\./g, '');
      expect([...left].filter((c) => c === "'" || c === '\\' || c < ' ' || c === '\u007f')).toEqual([]);
    }
  });

  it('turns lone surrogates into U+FFFD, as any UTF-8 encoder would', () => {
    expect(encodeString('a\ud800b\udc00')).toBe("'a\ufffdb\ufffd'");
    expect(encodeString('\ud83d\ude00')).toBe("'😀'");
  });

  it('renders numbers so they parse back exactly, negatives parenthesised', () => {
    expect(encodeNumber(0)).toBe('0');
    expect(encodeNumber(-0)).toBe('0');
    expect(encodeNumber(42)).toBe('42');
    expect(encodeNumber(-42)).toBe('(-42)');
    expect(encodeNumber(0.1)).toBe('0.1');
    expect(encodeNumber(-2.5)).toBe('(-2.5)');
    expect(encodeNumber(1e21)).toBe('1e+21');
    expect(encodeLiteral(2n ** 64n - 1n)).toBe('18446744073709551615');
    expect(encodeLiteral(-(2n ** 63n))).toBe('(-9223372036854775808)');
    expect(encodeLiteral(true)).toBe('1');
    expect(encodeLiteral(false)).toBe('0');
    expect(encodeLiteral(null)).toBe('NULL');
    expect(encodeLiteral({ kind: 'timestamp', us: 1_760_000_000_123_456 })).toBe('1760000000123456');
    expect(encodeTimestamp(-1)).toBe('(-1)');
  });

  it('refuses what it cannot encode exactly', () => {
    for (const n of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 5e-324, -1e-310]) {
      expect(() => encodeNumber(n)).toThrow(TypeError);
    }
    expect(() => encodeLiteral(2n ** 64n)).toThrow(/64-bit/);
    expect(() => encodeLiteral(-(2n ** 63n) - 1n)).toThrow(/64-bit/);
    expect(() => encodeTimestamp(1.5)).toThrow(TypeError);
    expect(() => encodeTimestamp(Number.NaN)).toThrow(TypeError);
    expect(() => encodeLiteral(undefined as never)).toThrow(TypeError);
    expect(() => encodeLiteral({} as never)).toThrow(TypeError);
    expect(() => encodeString(5 as never)).toThrow(TypeError);
  });
});

describe('clickhouse literal encoder (round trip through a real server)', () => {
  let server: ClickHouseServer;
  let node: ClickHouseNode;
  beforeAll(async () => {
    server = await startClickHouse();
    node = await openNode({ url: server.url, database: 'literals' });
  });
  afterAll(async () => {
    await node?.close();
    await server?.stop();
  });

  it('gives back every hostile string unchanged', async () => {
    const rows = await node.query(
      sql`select ${sql.join(HOSTILE.map((s, i) => sql`${s} as ${sql.id(`v${i}`)}`))}`,
    );
    expect(Object.values(rows[0]!)).toEqual(HOSTILE);
    const [len] = await node.query(
      sql`select length(${'nul\u0000inside'}) as bytes, lengthUTF8(${'ü😀'}) as chars`,
    );
    expect(len).toEqual({ bytes: 10, chars: 2 });
  });

  it('gives back numbers, booleans, null and times exactly', async () => {
    const values = [
      0,
      1,
      -1,
      255,
      2 ** 53 - 1,
      -(2 ** 53 - 1),
      0.1,
      -2.5,
      1e21,
      1.7976931348623157e308,
      2.2250738585072014e-308,
      0.30000000000000004,
    ];
    const rows = await node.query(
      sql`select ${sql.join(values.map((v, i) => sql`${v} as ${sql.id(`n${i}`)}`))}`,
    );
    expect(Object.values(rows[0]!)).toEqual(values);
    const [other] = await node.query(
      sql`select ${true} as t, ${false} as f, ${null} as z, ${sql.ts(1_760_000_000_123_456)} as ts, ${sql.ts(-5)} as before1970`,
    );
    expect(other).toEqual({ t: 1, f: 0, z: null, ts: 1_760_000_000_123_456, before1970: -5 });
  });

  it('keeps a negative value an operand, never a comment', async () => {
    const [row] = await node.query(sql`select 1 -${-1} as v, 10-${-2.5} as w`);
    expect(row).toEqual({ v: 2, w: 12.5 });
  });
});
