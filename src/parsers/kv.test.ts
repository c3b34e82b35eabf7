// kv and logfmt: sample lines -> fields or the reason, including hostile input that must never throw.
import { describe, expect, it } from 'vitest';
import { buildError, parserOf } from './test-helpers.ts';

type Case = [name: string, config: object, input: string, want: object | RegExp];

const KV = { type: 'kv' };
const LOGFMT = { type: 'kv', mode: 'logfmt' };

const cases: Case[] = [
  [
    'pairs and a quoted value',
    KV,
    'user=bob id=7 msg="hello world"',
    { user: 'bob', id: '7', msg: 'hello world' },
  ],
  [
    'free text around pairs is skipped',
    KV,
    'Connection from 10.0.0.1 user=bob port=22 closed',
    { user: 'bob', port: '22' },
  ],
  ['single quotes and backslash escapes', KV, `a='it\\'s' b="say \\"hi\\""`, { a: "it's", b: 'say "hi"' }],
  ['a value may hold the value separator', KV, 'url=/x?a=b&c=d n=1', { url: '/x?a=b&c=d', n: '1' }],
  ['an empty value, and a pair without a key is skipped', KV, 'a= =x b=2', { a: '', b: '2' }],
  ['tabs and repeated spaces separate too', KV, 'a=1\t\tb=2    c=3', { a: '1', b: '2', c: '3' }],
  [
    'custom separators, whitespace around them trimmed',
    { ...KV, field_split: ',', value_split: ':' },
    'a: 1, b : two words ,c:3,',
    { a: '1', b: 'two words', c: '3' },
  ],
  ['a query string', { ...KV, field_split: '&' }, 'a=1&b=&c=x%20y', { a: '1', b: '', c: 'x%20y' }],
  [
    'multi-character separators',
    { ...KV, field_split: ' | ', value_split: ' => ' },
    'a => 1 | b => 2',
    { a: '1', b: '2' },
  ],
  [
    'trim off keeps the spaces',
    { ...KV, field_split: ',', trim: false },
    'a= 1 , b=2',
    { a: ' 1 ', ' b': '2' },
  ],
  ['no quotes: a quote is a character', { ...KV, quotes: [] }, 'a="x y"', { a: '"x' }],
  ['prefix', { ...KV, prefix: 'kv_' }, 'a=1 b=2', { kv_a: '1', kv_b: '2' }],
  ['include_keys', { ...KV, include_keys: ['a'] }, 'a=1 b=2', { a: '1' }],
  ['exclude_keys', { ...KV, exclude_keys: ['a'] }, 'a=1 b=2', { b: '2' }],
  ['every key excluded is still a match', { ...KV, include_keys: ['z'] }, 'a=1 b=2', {}],
  [
    'types',
    { ...KV, types: { n: 'int', f: 'float', ok: 'bool', s: 'string' } },
    'n=42 f=-1.5e3 ok=yes s=007',
    { n: 42, f: -1500, ok: true, s: '007' },
  ],
  [
    'a value that is not its type',
    { ...KV, types: { n: 'int' } },
    'n=4x2',
    /field "n" is "4x2", not a valid int/,
  ],
  ['duplicates: the last wins by default', KV, 't=a t=b t=c', { t: 'c' }],
  ['duplicates: first', { ...KV, duplicates: 'first' }, 't=a t=b t=c', { t: 'a' }],
  [
    'duplicates: array, typed',
    { ...KV, duplicates: 'array', types: { t: 'int' } },
    't=1 u=x t=2',
    { t: [1, 2], u: 'x' },
  ],
  ['no pair at all', KV, 'just some words', /no key=value pair found/],
  ['empty input', KV, '', /no key=value pair found/],
  ['unterminated quote', KV, 'a=1 b="open end', /unterminated quote in the value of "b"/],
  ['a trailing backslash in a quote', KV, 'a="x\\', /unterminated quote/],
  ['hostile keys stay own fields', KV, '__proto__=x constructor=y', { ['__proto__']: 'x', constructor: 'y' }],
  [
    'NUL bytes and replacement characters are text',
    KV,
    'a=\0b \uFFFD=\uFFFD',
    { a: '\0b', '\uFFFD': '\uFFFD' },
  ],

  // Go logfmt
  [
    'logfmt: a video line',
    LOGFMT,
    'ts=2026-01-01T00:00:04.535Z level=info host=vms-1 msg="bookmark created" alarm_id=A-000005 pre_s=10',
    {
      ts: '2026-01-01T00:00:04.535Z',
      level: 'info',
      host: 'vms-1',
      msg: 'bookmark created',
      alarm_id: 'A-000005',
      pre_s: '10',
    },
  ],
  ['logfmt: escaped quotes', LOGFMT, 'key="quoted \\"value\\""', { key: 'quoted "value"' }],
  ['logfmt: a bare key is true, key= is empty', LOGFMT, 'debug key= x=1', { debug: true, key: '', x: '1' }],
  ['logfmt: JSON escapes', LOGFMT, 'm="a\\nb\\t\\u00e9\\\\\\/"', { m: 'a\nb\té\\/' }],
  ['logfmt: = inside an unquoted value is tolerated', LOGFMT, 'q=a=b', { q: 'a=b' }],
  ['logfmt: a quoted empty value', LOGFMT, 'a="" b=1', { a: '', b: '1' }],
  ['logfmt: a key right after a closing quote', LOGFMT, 'a="x"b', { a: 'x', b: true }],
  ['logfmt: an invalid escape', LOGFMT, 'a="\\x"', /invalid escape "\\x"/],
  [
    'logfmt: a stray quote in a value',
    LOGFMT,
    'ts=2026-01-\uFFFD"DR3E.mp4 pre_s=10',
    /unexpected '"' in the value of "ts"/,
  ],
  ['logfmt: a stray quote in a key', LOGFMT, 'a"b=1', /unexpected '"' in a key/],
  ['logfmt: = without a key', LOGFMT, '=x', /unexpected '=' without a key/],
  ['logfmt: single quotes are ordinary', LOGFMT, "a='x", { a: "'x" }],
  ['logfmt: unterminated', LOGFMT, 'msg="no end', /unterminated quote/],
  ['logfmt: whitespace only', LOGFMT, ' \t ', /no logfmt pair found/],
];

describe('kv parser', () => {
  for (const [name, config, input, want] of cases) {
    it(name, () => {
      const got = parserOf(config)(input);
      if (want instanceof RegExp) expect(got).toMatch(want);
      else expect(got).toEqual(want);
    });
  }

  it('reads a field of an earlier parser and names it in reasons', () => {
    const p = parserOf({ ...LOGFMT, field: 'message' });
    expect(p('', {}, { message: 'a=1 b="x y"' })).toEqual({ message: 'a=1 b="x y"', a: '1', b: 'x y' });
    expect(p('', {}, { message: 'plain words' })).toEqual({
      message: 'plain words',
      plain: true,
      words: true,
    });
    expect(p('', {}, {})).toBe('field "message" is missing');
    expect(p('', {}, { message: 'a="' })).toMatch(
      /unterminated quote in the value of "a" in field "message"/,
    );
  });

  it('stays linear on very long input', () => {
    const long = `${'k=v '.repeat(100_000)}x="${'y'.repeat(1_000_000)}`;
    const t = performance.now();
    expect(parserOf(KV)(long)).toMatch(/unterminated quote/);
    expect(parserOf(LOGFMT)(`${'a'.repeat(2_000_000)}=1`)).toEqual({ ['a'.repeat(2_000_000)]: '1' });
    // Quadratic work would take minutes here; linear takes well under a second.
    expect(performance.now() - t).toBeLessThan(10_000);
  }, 30_000);

  it('refuses contradicting options at build time', () => {
    expect(buildError({ ...LOGFMT, field_split: ',' })).toMatch(
      /^field_split: mode logfmt fixes field_split/,
    );
    expect(buildError({ ...KV, field_split: '=' })).toMatch(/^value_split: .*overlap/);
    expect(buildError({ ...KV, value_split: ' ' })).toMatch(/^value_split: .*overlap/);
    expect(buildError({ ...KV, include_keys: ['a'], exclude_keys: ['b'] })).toMatch(/^exclude_keys:/);
    expect(buildError({ ...KV, include_keys: ['a'], types: { b: 'int' } })).toMatch(
      /^types.b: "b" is not in include_keys/,
    );
    expect(() => parserOf({ ...KV, quotes: ['ab'] })).toThrow();
    expect(buildError(LOGFMT)).toBeUndefined();
  });
});
