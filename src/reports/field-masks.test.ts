import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { duckdbDialect as d } from '../warehouse/duckdb/duckdbDialect.ts';
import { execute } from '../warehouse/duckdb/execute.ts';
import { sql } from '../warehouse/sql.ts';
import {
  type FieldMask,
  maskedSql,
  maskFor,
  maskSql,
  maskValue,
  redactText,
  textShown,
} from './field-masks.ts';

const mask = (field: string, mode: FieldMask['mode']): FieldMask => ({ field, mode, salt: 'a-secret-salt' });

describe('maskValue', () => {
  it('partial keeps two characters of values longer than four, stars for the rest', () => {
    const m = mask('attrs.operator', 'partial');
    expect(maskValue(m, 'mkeller')).toBe('mk***');
    expect(maskValue(m, 'jdoe')).toBe('***');
    expect(maskValue(m, '')).toBe('***');
    expect(maskValue(m, 'Ölçüm-Ünal')).toBe('Öl***');
    expect(maskValue(m, '😀😀😀😀😀')).toBe('😀😀***');
    expect(maskValue(m, null)).toBeNull();
  });

  it('hide shows nothing; hash is a salted pseudonym, equal for equal values only', () => {
    expect(maskValue(mask('x', 'hide'), 'jdoe')).toBeNull();
    const h = mask('x', 'hash');
    expect(maskValue(h, 'jdoe')).toMatch(/^#[0-9a-f]{10}$/);
    expect(maskValue(h, 'jdoe')).toBe(maskValue(h, 'jdoe'));
    expect(maskValue(h, 'jdoe')).not.toBe(maskValue(h, 'asmith'));
    expect(maskValue(h, 'jdoe')).not.toBe(maskValue({ ...h, salt: 'another-salt-value' }, 'jdoe'));
  });

  it('a mask covers its field and the paths below it; hide wins', () => {
    const masks = [mask('attrs.op', 'partial'), mask('attrs.op.name', 'hide')];
    expect(maskFor(masks, 'attrs.op')?.mode).toBe('partial');
    expect(maskFor(masks, 'attrs.op.name')?.mode).toBe('hide');
    expect(maskFor(masks, 'attrs.operator')).toBeUndefined();
  });

  it('free text has the row’s masked values replaced; a masked message hides the raw line', () => {
    const masks = [mask('attrs.operator', 'partial'), mask('keys.user', 'hide')];
    const row: Record<string, string> = { 'attrs.operator': 'mkeller', 'keys.user': 'u-17' };
    expect(redactText('alarm shown to mkeller (u-17), mkeller acked', 'events', masks, (f) => row[f])).toBe(
      'alarm shown to mk*** (***), mk*** acked',
    );
    expect(textShown(masks, 'events', 'raw')).toBe(true);
    expect(textShown([mask('message', 'partial')], 'events', 'raw')).toBe(false);
    expect(textShown([mask('raw', 'hide')], 'events', 'message')).toBe(true);
  });
});

describe('the SQL twin computes what JavaScript computes (DuckDB)', () => {
  const values = ['mkeller', 'jdoe', '', 'Ölçüm-Ünal', '😀😀😀😀😀', 'o\'brien "x"', null];

  it('maskSql equals maskValue for every mode and value', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    for (const mode of ['hide', 'partial', 'hash'] as const) {
      const m = mask('f', mode);
      for (const v of values) {
        const [row] = await execute(c, sql`select ${maskSql(d, sql`${v}`, m)} as m`);
        expect(row!.m ?? null, `${mode} ${v}`).toBe(maskValue(m, v));
      }
    }
    c.closeSync();
  });

  it('a free-text column is redacted by the row’s masked values as redactText does', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    const masks = [mask('op', 'partial'), mask('who', 'hash'), mask('gone', 'hide')];
    const rows = [
      { message: 'shown to mkeller by tnguyen; bye mkeller', op: 'mkeller', who: 'tnguyen', gone: 'bye' },
      { message: 'nobody here', op: null, who: '', gone: null },
    ];
    for (const r of rows) {
      const cols: Record<string, string | null> = r;
      const e = maskedSql(d, 'events', 'message', sql`${r.message}`, masks, (f) =>
        f in cols ? sql`${cols[f]}` : undefined,
      );
      const [row] = await execute(c, sql`select ${e} as m`);
      expect(row!.m).toBe(redactText(r.message, 'events', masks, (f) => cols[f]));
    }
    // a field whose value cannot be read hides the text (fail closed)
    const unknown = maskedSql(d, 'events', 'message', sql`${'x'}`, masks, () => undefined);
    expect((await execute(c, sql`select ${unknown} as m`))[0]!.m).toBeNull();
    // so does a nested attribute path, which the dialects cannot read
    const nested = maskedSql(
      d,
      'events',
      'message',
      sql`${'x'}`,
      [mask('attrs.a.b', 'partial')],
      () => sql`${'v'}`,
    );
    expect((await execute(c, sql`select ${nested} as m`))[0]!.m).toBeNull();
    c.closeSync();
  });
});
