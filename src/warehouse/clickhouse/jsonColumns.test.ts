// JSON text for keys/attrs: always valid JSON equal to the input, and written so that a search
// for `"name":` (what ClickHouse's simpleJSON functions do) finds only top-level members.
import { describe, expect, it } from 'vitest';
import { objectJson, searchName } from './jsonColumns.ts';

const found = (json: string, name: string) => json.split(`"${searchName(name)}":`).length - 1;

describe('clickhouse JSON columns', () => {
  it('parses back to the same value, whatever the names and values', () => {
    const values = [
      {},
      { a: 1, b: 'two', c: null, d: true, e: [1, 'x', null, { f: 2 }], g: { h: { i: 'deep' } } },
      { 'x"y': 'q"uote', 'back\\slash': '\\', '': 'empty name', 'ü😀': '日本', '\u0000nul': '\u0000' },
      { nested: { '😀first': 1, '"quoted': 2, '': 3 } },
    ];
    for (const v of values) expect(JSON.parse(objectJson(v))).toEqual(v);
  });

  it('lets a name be found at the top level only, never inside names, values or nested objects', () => {
    const json = objectJson({
      'x"alarm_id': 'decoy name',
      note: '"alarm_id":"decoy value"',
      deep: { alarm_id: 'decoy nested', list: [{ alarm_id: 'decoy in array' }] },
      alarm_id: 'A-1',
    });
    expect(found(json, 'alarm_id')).toBe(1);
    expect(found(json, 'x"alarm_id')).toBe(1);
    expect(found(json, 'deep')).toBe(1);
    expect(found(json, 'list')).toBe(0);
  });
});
