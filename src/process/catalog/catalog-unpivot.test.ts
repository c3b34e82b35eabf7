// The TypeScript unpivot against DuckDB's SQL on the same values: the hash behind the sketch, the
// value classes, and the fields (names, values, classes) of events with nested attrs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWarehouse } from '../../warehouse/open.ts';
import { sql } from '../../warehouse/sql.ts';
import type { Warehouse } from '../../warehouse/warehouse.ts';
import { fieldRowsSql, hash01, isNumberSql, valueClassSql } from './catalog-dialect.ts';
import { compareText, eventFields, hash01Of, sketchValue, textClassOf } from './catalog-unpivot.ts';

let dir: string;
let w: Warehouse;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mortar-unpivot-'));
  w = await openWarehouse({ type: 'duckdb', path: join(dir, 'w.duckdb') });
});
afterAll(async () => {
  await w.close();
  rmSync(dir, { recursive: true, force: true });
});

const TEXTS = [
  '',
  'a',
  'abcdefg',
  'abcdefgh',
  'abcdefghi',
  'abcdefghijkl',
  'abcdefghijklm',
  'a longer value with spaces and more than sixteen bytes',
  'Grüße, 東京 🚀',
  '42',
  '-7',
  '1234567890123456789',
  '3.14',
  '-2.5e-3',
  'TRUE',
  'false',
  '2026-03-02T10:00:00Z',
  '2026-03-02 10:00:00.123+01:00',
  '10.0.0.1',
  '256.1.1.1',
  'fe80::1',
  '2001:db8:0:0:0:0:2:1',
  '123e4567-e89b-12d3-a456-426614174000',
  'cam-07',
  'tab\there',
  'x'.repeat(300),
  `${'é'.repeat(150)}${'🚀'.repeat(100)}`,
];

describe('catalog unpivot in TypeScript', () => {
  it('hashes, classes and truncates text as DuckDB does', async () => {
    const d = w.sqlDialect;
    const rows = await w.query(
      sql`select v, ${hash01(d, sql.id('v'))} as h, ${valueClassSql(d, sql.id('v'), sql`'VARCHAR'`)} as cls, left(v, 200) as l
        from (select unnest([${sql.list(TEXTS)}]) as v) as t`,
    );
    expect(rows.length).toBe(TEXTS.length);
    for (const r of rows) {
      const v = String(r.v);
      expect({ v, h: hash01Of(v), cls: textClassOf(v), l: sketchValue(v) }).toEqual({
        v,
        h: Number(r.h),
        cls: r.cls,
        l: String(r.l),
      });
    }
    const sorted = await w.query(
      sql`select v from (select unnest([${sql.list(TEXTS)}]) as v) as t order by v`,
    );
    expect([...TEXTS].sort(compareText)).toEqual(sorted.map((r) => String(r.v)));
  });

  it('unpivots events into the same fields, values and classes as fieldRowsSql', async () => {
    const attrs = [
      {
        a: 1,
        b: 2.5,
        c: 'x y',
        d: true,
        e: null,
        f: [1, 'two', { g: 3 }, 2e22],
        h: { i: { j: 'deep' }, k: [] },
        l: {},
      },
      { 'dotted.name': 'v', 'br[acket': 1, big: 12345678901234567000, neg: -3, tiny: 1e-7, huge: 1e21 },
      {
        uuid: '123e4567-e89b-12d3-a456-426614174000',
        ip: '10.1.2.3',
        when: '2026-03-02T10:00:00Z',
        empty: '',
      },
    ];
    const keys = [{ call: 'c-1', site: 'north' }, {}, { 'k.x': '' }];
    for (let i = 0; i < attrs.length; i++) {
      const map = Object.entries(keys[i]!);
      await w.execute([
        sql`insert into events values (${`e${i}`}, ${sql.ts(1_000_000 * (i + 1))}, ${sql.ts(2_000_000)}, 'sub', 'comp', 'src', 'log', 't', 'info',
          map([${map.length ? sql.list(map.map(([k]) => k)) : sql``}]::varchar[], [${map.length ? sql.list(map.map(([, v]) => v)) : sql``}]::varchar[]),
          ${JSON.stringify(attrs[i])}, ${`msg ${i}`}, '', 'p', 'f', ${i})`,
      ]);
    }
    const d = w.sqlDialect;
    const rows = await w.query(
      sql`select ts_us, field, source, value, ${valueClassSql(d, sql.id('value'), sql.id('jtype'))} as cls, ${isNumberSql(sql.id('jtype'))} as num
        from (${fieldRowsSql(d, { where: sql`true` })}) as r order by ts_us, field`,
    );
    const js = attrs.flatMap((a, i) =>
      eventFields({
        component: 'comp',
        kind: 'log',
        severity: 'info',
        message: `msg ${i}`,
        keys: JSON.stringify(keys[i]),
        attrs: JSON.stringify(a),
      })
        .map((f) => ({ ts_us: 1_000_000 * (i + 1), ...f }))
        .sort((x, y) => compareText(x.field, y.field)),
    );
    expect(js).toEqual(
      rows.map((r) => ({
        ts_us: Number(r.ts_us),
        field: String(r.field),
        source: String(r.source),
        value: r.value === null ? null : String(r.value),
        cls: r.cls,
        num: r.num === true,
      })),
    );
  });
});
