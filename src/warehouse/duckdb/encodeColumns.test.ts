import { describe, expect, it } from 'vitest';
import type { MortarEvent } from '../../events/event.ts';
import { makeEvent } from '../testRows.ts';
import { encodeColumns, SEPARATOR, wellFormedJson } from './encodeColumns.ts';
import { EVENTS } from './insertRows.ts';

const encode = (events: MortarEvent[]) => {
  const columns = encodeColumns(events, EVENTS.fields, 'event');
  return Object.fromEntries(EVENTS.fields.map((f, i) => [f.column, columns[i]!]));
};

describe('encodeColumns', () => {
  it('joins text columns with U+001E and sends numbers, attrs and keys as JSON arrays', () => {
    const c = encode([makeEvent(0), makeEvent(1)]);
    expect(c.id).toEqual({ encoding: 'split', text: `ev-0${SEPARATOR}ev-1` });
    expect(c.ts).toEqual({ encoding: 'json', text: JSON.stringify([makeEvent(0).ts, makeEvent(1).ts]) });
    expect(c.offset).toEqual({ encoding: 'json', text: '[0,100]' });
    expect(JSON.parse(c.attrs!.text)).toEqual([makeEvent(0).attrs, makeEvent(1).attrs]);
    expect(c.keys).toEqual({ encoding: 'json', text: '[{"alarm_id":"A-0"},{}]', maybeNull: false });
  });

  it('sends a column as a JSON array when one of its values contains the separator', () => {
    const c = encode([makeEvent(0), makeEvent(1, { raw: `a${SEPARATOR}b` })]);
    expect(c.raw).toEqual({ encoding: 'json', text: JSON.stringify(['raw line 0', `a${SEPARATOR}b`]) });
    expect(c.message!.encoding).toBe('split');
  });

  it('rounds times to whole microseconds and refuses what is not a time or an integer', () => {
    expect(encode([makeEvent(0, { ts: 1.5, receivedAt: -2.4 })]).ts!.text).toBe('[2]');
    expect(encode([makeEvent(0, { receivedAt: -2.4 })]).received_at!.text).toBe('[-2]');
    expect(encode([makeEvent(0, { ts: 2 ** 60 })]).ts!.text).toBe(`[${2 ** 60}]`);
    const bad: [Partial<MortarEvent>, RegExp][] = [
      [{ ts: Number.NaN }, /event ev-0 ts: NaN is not a time in UTC microseconds/],
      [{ ts: Number.POSITIVE_INFINITY }, /ts: Infinity is not a time/],
      [{ offset: 1.5 }, /event ev-0 offset: 1.5 is not an integer/],
      [{ offset: '7' as unknown as number }, /offset: expected a number, got string/],
      [{ subsystem: null as unknown as string }, /event ev-0 subsystem: expected text, got null/],
      [{ raw: undefined as unknown as string }, /raw: expected text, got undefined/],
    ];
    for (const [over, error] of bad) expect(() => encode([makeEvent(0, over)])).toThrow(error);
  });

  it('flags keys that may hold null values, and stands in {} for missing keys and attrs', () => {
    const c = encode([
      makeEvent(0, { keys: { a: null as unknown as string, b: 'x' } }),
      makeEvent(1, { keys: undefined as unknown as Record<string, string>, attrs: undefined as never }),
    ]);
    expect(c.keys).toEqual({ encoding: 'json', text: '[{"a":null,"b":"x"},{}]', maybeNull: true });
    expect(JSON.parse(c.attrs!.text)[1]).toEqual({});
  });
});

describe('wellFormedJson', () => {
  it('replaces escaped unpaired surrogates with U+FFFD and leaves everything else alone', () => {
    const cases: [unknown, unknown][] = [
      ['a\ud800b', 'a\ufffdb'],
      ['\udfff', '\ufffd'],
      ['😀 pair \ud83d\ude00', '😀 pair 😀'],
      ['\\ud800 is text', '\\ud800 is text'],
      ['\\\ud800', '\\\ufffd'],
      [{ '\ud800k': ['\udc00'] }, { '\ufffdk': ['\ufffd'] }],
    ];
    for (const [value, expected] of cases) {
      expect(JSON.parse(wellFormedJson(JSON.stringify(value)))).toEqual(expected);
    }
    const plain = JSON.stringify({ a: 'no escapes', b: '\\u0041' });
    expect(wellFormedJson(plain)).toBe(plain);
  });
});
