import { describe, expect, it } from 'vitest';
import { compile, type Dialect } from './dialect.ts';
import { duckdbDialect } from './duckdb/duckdbDialect.ts';
import { sql } from './sql.ts';

const EVIL = "'; drop table events; --";

describe('sql tagged template', () => {
  it('builds a frozen tree in which values stay values', () => {
    const q = sql`select * from ${sql.id('events')} where ts >= ${sql.ts(5)} and subsystem = ${EVIL}`;
    expect(Object.isFrozen(q)).toBe(true);
    expect(Object.isFrozen(q.strings)).toBe(true);
    expect(Object.isFrozen(q.values)).toBe(true);
    expect(q.strings).toEqual(['select * from ', ' where ts >= ', ' and subsystem = ', '']);
    expect(q.values.map((v) => v.kind)).toEqual(['id', 'param', 'param']);
    expect(q.values[2]).toMatchObject({ kind: 'param', value: EVIL });
  });

  it('compiles to DuckDB placeholders, never inlining a value', () => {
    const q = sql`select ${sql.id('offset')} from ${sql.id('main', 'events')} where a = ${EVIL} and b in (${sql.list([1, 'x'])}) limit ${10}`;
    const { text, params } = compile(q, duckdbDialect);
    expect(text).toBe(
      'select "offset" from "main"."events" where a = $1::VARCHAR and b in ($2::BIGINT, $3::VARCHAR) limit $4::BIGINT',
    );
    expect(params).toEqual([EVIL, 1, 'x', 10]);
    expect(text).not.toContain('drop');
  });

  it('nests fragments and joins them with a separator', () => {
    const conds = [sql`a = ${1}`, sql`b = ${2.5}`, sql`c = ${sql.ts(3)}`, sql`d = ${null}`];
    const { text, params } = compile(sql`where ${sql.join(conds, sql` and `)}`, duckdbDialect);
    expect(text).toBe('where a = $1::BIGINT and b = $2::DOUBLE and c = $3::TIMESTAMP and d = $4');
    expect(params).toEqual([1, 2.5, { kind: 'timestamp', us: 3 }, null]);
    expect(compile(sql.join([]), duckdbDialect).text).toBe('');
  });

  it('quotes identifiers so that reserved words and quotes are safe', () => {
    expect(compile(sql`${sql.id('we"ird')}`, duckdbDialect).text).toBe('"we""ird"');
    expect(() => sql.id('')).toThrow(TypeError);
  });

  it('takes only bare words as keywords', () => {
    expect(compile(sql`order by ts ${sql.keyword('desc')}`, duckdbDialect).text).toBe('order by ts desc');
    expect(compile(sql`${sql.keyword('nulls last')}`, duckdbDialect).text).toBe('nulls last');
    for (const bad of ['desc;', 'desc -- x', "a'", 'a  b', ''])
      expect(() => sql.keyword(bad)).toThrow(TypeError);
  });

  it('refuses values it cannot bind rather than stringifying them', () => {
    expect(() => sql`${undefined}`).toThrow(/cannot bind undefined/);
    expect(() => sql`${[1, 2]}`).toThrow(/sql.list/);
    expect(() => sql`${Number.NaN}`).toThrow(TypeError);
    expect(() => sql`${{ a: 1 }}`).toThrow(TypeError);
    expect(() => sql.ts(Number.POSITIVE_INFINITY)).toThrow(TypeError);
  });

  it('never lets a look-alike object from outside act as a node', () => {
    const forged = JSON.parse('{"kind":"keyword","text":"1; drop table events"}');
    expect(() => sql`select ${forged}`).toThrow(TypeError);
    const forgedTree = { kind: 'fragment', strings: ['drop table events'], values: [] };
    expect(() => compile(forgedTree as never, duckdbDialect)).toThrow(/not a sql node/);
    const smuggled = { ...sql`x`, values: [forged] };
    expect(() => compile(smuggled as never, duckdbDialect)).toThrow(/not a sql node/);
  });

  it('leaves value rendering to the dialect (literal encoding is possible)', () => {
    const literal: Dialect = {
      ...duckdbDialect,
      placeholder: (v) => (typeof v === 'string' ? `'${v.replaceAll("'", "''")}'` : String(v)),
    };
    const { text, params } = compile(sql`select ${EVIL}, ${2}`, literal);
    expect(text).toBe(`select '''; drop table events; --', 2`);
    expect(params).toEqual([]);
  });

  it('renders the dialect hooks through the same compiler', () => {
    const { text, params } = compile(duckdbDialect.bucketStartUs(sql.id('ts'), 60_000_000), duckdbDialect);
    expect(text).toBe('(epoch_us("ts") - ((epoch_us("ts") % $1::BIGINT) + $2::BIGINT) % $3::BIGINT)');
    expect(params).toEqual([60_000_000n, 60_000_000n, 60_000_000n]);
  });
});
