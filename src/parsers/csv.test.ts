// csv: records -> fields or the reason (RFC 4180 quoting, strict columns, types), and headers
// remembered per file: the record at offset 0 is the header and is FILTERED.
import { describe, expect, it } from 'vitest';
import { FILTERED } from './parser.ts';
import { buildError, parserOf } from './test-helpers.ts';

type Case = [name: string, config: object, input: string, want: object | RegExp];

const ABC = { type: 'csv', columns: ['a', 'b', 'c'] };

const cases: Case[] = [
  ['plain values', ABC, '1,two,3.0', { a: '1', b: 'two', c: '3.0' }],
  ['empty values', ABC, ',,', { a: '', b: '', c: '' }],
  ['quoted delimiter and doubled quotes', ABC, '"x,y","say ""hi""",""', { a: 'x,y', b: 'say "hi"', c: '' }],
  ['a quote inside an unquoted value is literal', ABC, 'a"b,2,3', { a: 'a"b', b: '2', c: '3' }],
  ['spaces are part of the value', ABC, ' 1 , 2 ,3', { a: ' 1 ', b: ' 2 ', c: '3' }],
  [
    'a line break inside quotes (joined by multiline framing)',
    ABC,
    '1,"two\nlines",3',
    { a: '1', b: 'two\nlines', c: '3' },
  ],
  ['semicolons', { ...ABC, delimiter: ';' }, '1;"a;b";3', { a: '1', b: 'a;b', c: '3' }],
  ['tabs', { ...ABC, delimiter: '\t' }, '1\t2\t3', { a: '1', b: '2', c: '3' }],
  ['another quote character', { ...ABC, quote: "'" }, "'a,b',2,3", { a: 'a,b', b: '2', c: '3' }],
  ['too few values', ABC, '1,2', /2 columns where 3 are expected \(a, b, c\)/],
  ['too many values', ABC, '1,2,3,4', /4 columns where 3 are expected/],
  ['not strict: missing columns are left out', { ...ABC, strict_columns: false }, '1', { a: '1' }],
  [
    'not strict: extra columns are numbered',
    { ...ABC, strict_columns: false },
    '1,2,3,4',
    { a: '1', b: '2', c: '3', column4: '4' },
  ],
  ['no columns at all', { type: 'csv' }, 'x,y', { column1: 'x', column2: 'y' }],
  [
    'types; an empty typed value is left out',
    { ...ABC, types: { a: 'int', b: 'float', c: 'bool' } },
    '7,,false',
    { a: 7, c: false },
  ],
  [
    'a value that is not its type',
    { ...ABC, types: { a: 'int' } },
    'x,2,3',
    /field "a" is "x", not a valid int/,
  ],
  [
    'unterminated quote',
    ABC,
    '1,"open,3',
    /unterminated quoted value in column 2 \(a value spanning lines needs multiline framing\)/,
  ],
  ['text after a closing quote', ABC, '"a"b,2,3', /unexpected text after the closing quote of column 1/],
  ['empty input', ABC, '', /1 columns where 3 are expected/],
  [
    'NUL bytes and replacement characters are text',
    ABC,
    '\0,\uFFFD,"\uFFFD\0"',
    { a: '\0', b: '\uFFFD', c: '\uFFFD\0' },
  ],
  [
    'hostile column values',
    { type: 'csv', header: false, columns: ['__proto__'] },
    'x',
    { ['__proto__']: 'x' },
  ],
];

describe('csv parser', () => {
  for (const [name, config, input, want] of cases) {
    it(name, () => {
      const got = parserOf(config)(input);
      if (want instanceof RegExp) expect(got).toMatch(want);
      else expect(got).toEqual(want);
    });
  }

  it('takes each file’s first record as its header, filtered', () => {
    const p = parserOf({ type: 'csv', header: true, types: { n: 'int' } });
    expect(p('\uFEFFtime, n ,,n', { fileId: 'A', offset: 0 })).toBe(FILTERED);
    expect(p('id,name', { fileId: 'B', offset: 0 })).toBe(FILTERED);
    expect(p('12:00,1,x,2', { fileId: 'A', offset: 18 })).toEqual({
      time: '12:00',
      n: 1,
      column3: 'x',
      n_4: '2',
    });
    expect(p('7,"b,c"', { fileId: 'B', offset: 8 })).toEqual({ id: '7', name: 'b,c' });
    expect(p('7', { fileId: 'B', offset: 16 })).toMatch(/1 columns where 2 are expected \(id, name\)/);
    // a writer that repeats its header (say after a restart) does not produce an event of it
    expect(p('id,name', { fileId: 'B', offset: 20 })).toBe(FILTERED);
    // a file whose header was never seen (reading resumed mid-file)
    expect(p('1,2', { fileId: 'C', offset: 500 })).toMatch(/header line of this file was not read/);
    // a broken header is a dead letter, and so are the records that needed it
    expect(p('"a,b', { fileId: 'D', offset: 0 })).toMatch(/^header: unterminated quoted value/);
    expect(p('1,2', { fileId: 'D', offset: 5 })).toMatch(/header line of this file was not read/);
  });

  it('with header and columns, skips the header and names the columns itself (restart-proof)', () => {
    const p = parserOf({ ...ABC, header: true });
    expect(p('x,y,z', { offset: 0 })).toBe(FILTERED);
    expect(p('1,2,3', { fileId: 'never-seen', offset: 99 })).toEqual({ a: '1', b: '2', c: '3' });
  });

  it('reads a field of an earlier parser', () => {
    const p = parserOf({ ...ABC, field: 'payload' });
    expect(p('ignored', {}, { payload: '1,2,3' })).toEqual({ payload: '1,2,3', a: '1', b: '2', c: '3' });
    expect(p('ignored', {}, {})).toBe('field "payload" is missing');
  });

  it('stays linear on very long input', () => {
    const t = performance.now();
    const p = parserOf({ type: 'csv' });
    expect(p(`"${'x'.repeat(1_000_000)}`)).toMatch(/unterminated/);
    const many = parserOf({ type: 'csv' })(`${'"a""b",'.repeat(100_000)}z`) as Record<string, string>;
    expect(Object.keys(many)).toHaveLength(100_001);
    expect(many.column1).toBe('a"b');
    // Quadratic work would take minutes here; linear takes well under a second.
    expect(performance.now() - t).toBeLessThan(10_000);
  }, 30_000);

  it('refuses bad options at build time', () => {
    expect(buildError({ ...ABC, quote: ',' })).toMatch(/^quote: quote and delimiter must differ/);
    expect(buildError({ ...ABC, delimiter: '\n' })).toMatch(/^delimiter: a line break/);
    expect(buildError({ type: 'csv', columns: ['a', 'a'] })).toMatch(/^columns.1: column "a" is named twice/);
    expect(buildError({ ...ABC, types: { d: 'int' } })).toMatch(/^types.d: "d" is not a column/);
    expect(() => parserOf({ ...ABC, delimiter: ';;' })).toThrow();
  });
});
