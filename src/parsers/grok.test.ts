// The grok parser itself: conversions, custom definitions, nested fields, raw named groups,
// several patterns, repeated fields, reasons for lines that do not match, and the build errors
// (unknown or recursive pattern names, bad conversions) with their paths and hints. The pattern
// library's own cases are data: grok/cases/*.yaml.
import { describe, expect, it } from 'vitest';
import { parserSpec } from '../config/schema.ts';
import { buildParser } from './build.ts';
import { GrokCompiler } from './grok/compile.ts';
import { patternLibrary } from './grok/library.ts';
import { ComponentError, type Fields } from './parser.ts';

const CTX = { fileId: 'f', offset: 1, receivedAtUs: 0 };

/** Parses `text` with a grok parser of `options`: the fields, or the reason. */
function grok(options: object, text: string, fields: Fields = {}): Fields | string {
  const parser = buildParser(parserSpec.parse({ type: 'grok', ...options }));
  const result = parser(fields, text, CTX);
  if (typeof result === 'symbol') throw new Error('grok never filters');
  return result ?? fields;
}

/** The ComponentError a configuration is refused with. */
function refusal(options: object): ComponentError {
  try {
    buildParser(parserSpec.parse({ type: 'grok', ...options }));
  } catch (e) {
    if (e instanceof ComponentError) return e;
    throw e;
  }
  throw new Error('the configuration was accepted');
}

describe('grok parser', () => {
  it('converts :int and :float, truncating like Logstash', () => {
    expect(
      grok({ patterns: ['%{INT:n:int} %{NUMBER:f:float} %{NUMBER:t:int} %{NUMBER:s}'] }, '-42 2.5 7.9 1.0'),
    ).toEqual({ n: -42, f: 2.5, t: 7, s: '1.0' });
  });

  it('makes a capture that does not convert a dead letter', () => {
    expect(grok({ patterns: ['id=%{WORD:id:int}'] }, 'id=abc')).toBe('field "id" is "abc", not a valid int');
  });

  it('nests [a][b] fields and merges them into objects earlier parsers made', () => {
    const before: Fields = { source: { geo: 'DE' }, host: 'replaced' };
    expect(
      grok(
        { patterns: ['%{IP:[source][address]}:%{POSINT:[source][port]:int} %{WORD:[host][name]}'] },
        '10.0.0.1:80 web',
        before,
      ),
    ).toEqual({ source: { geo: 'DE', address: '10.0.0.1', port: 80 }, host: { name: 'web' } });
  });

  it('takes raw named groups, with nested names too', () => {
    expect(grok({ patterns: ['(?<[alarm][zone]>[a-z]+-\\d+) (?<code>\\w+)'] }, 'west-3 E42')).toEqual({
      alarm: { zone: 'west-3' },
      code: 'E42',
    });
  });

  it('uses custom definitions, which may build on each other and on the library', () => {
    const options = {
      pattern_definitions: {
        ALARM_ID: 'A-\\d{6}',
        ALARM: '%{ALARM_ID:[alarm][id]} raised by %{USERNAME:operator}',
      },
      patterns: ['^%{TIMESTAMP_ISO8601:ts} %{ALARM}$'],
    };
    expect(grok(options, '2026-01-01T00:00:04Z A-000005 raised by asmith')).toEqual({
      ts: '2026-01-01T00:00:04Z',
      alarm: { id: 'A-000005' },
      operator: 'asmith',
    });
  });

  it('lets a custom definition replace a library pattern (split haproxy request headers)', () => {
    const options = {
      pattern_definitions: {
        HAPROXYCAPTUREDREQUESTHEADERS: '%{DATA:[http][request][host]}\\|%{DATA:[user_agent][original]}',
      },
      patterns: ['%{HAPROXYHTTPBASE}'],
    };
    const line =
      '10.0.1.2:33317 [06/Feb/2009:12:14:14.655] http-in static/srv1 10/0/30/69/109 200 2750 - - ---- 1/1/1/1/0 0/0 {www.example.com|curl/8.5} "GET / HTTP/1.1"';
    const fields = grok(options, line) as Fields;
    expect(fields.http).toEqual({
      request: { host: 'www.example.com', method: 'GET' },
      response: { status_code: 200 },
      version: '1.1',
    });
    expect(fields.user_agent).toEqual({ original: 'curl/8.5' });
  });

  it('tries the patterns in order; the first that matches wins, alone', () => {
    const options = { patterns: ['^%{INT:code:int}$', '^%{WORD:word}$', '^%{NOTSPACE:any}$'] };
    expect(grok(options, '42')).toEqual({ code: 42 });
    expect(grok(options, 'hello')).toEqual({ word: 'hello' });
    expect(grok(options, 'a/b')).toEqual({ any: 'a/b' });
  });

  it('gives the reason for a line that matches no pattern', () => {
    expect(grok({ patterns: ['^%{INT:n}$'] }, 'x')).toBe('does not match the grok pattern ^%{INT:n}$');
    expect(grok({ patterns: ['^%{INT:n}$', '^%{IP:ip}$'] }, 'x')).toBe('matches none of the 2 grok patterns');
    expect(grok({ patterns: ['^%{INT:n}$'], field: 'msg' }, '', { msg: 'x' })).toBe(
      'does not match the grok pattern ^%{INT:n}$ in field "msg"',
    );
    expect(grok({ patterns: ['%{INT:n}'], field: 'msg' }, 'raw')).toBe('field "msg" is missing');
  });

  it('reads a field parsed earlier', () => {
    expect(
      grok({ patterns: ['user=%{USER:user}'], field: 'message' }, 'raw', { message: 'login user=bob' }),
    ).toEqual({
      message: 'login user=bob',
      user: 'bob',
    });
  });

  it('collects a field captured more than once into an array, and drops empty captures', () => {
    expect(grok({ patterns: ['%{WORD:w} %{WORD:w} %{WORD:w}'] }, 'a b c')).toEqual({ w: ['a', 'b', 'c'] });
    // One alternative of two with the same name: a single value.
    expect(grok({ patterns: ['(?:%{INT:v:int}|%{WORD:v})!'] }, 'x!')).toEqual({ v: 'x' });
    expect(grok({ patterns: ['^%{DATA:empty}x%{GREEDYDATA:rest}'] }, 'xyz')).toEqual({ rest: 'yz' });
  });

  it('searches the line like Logstash: anchors are the pattern author’s choice', () => {
    expect(grok({ patterns: ['%{INT:n:int}'] }, 'abc 12 def')).toEqual({ n: 12 });
    expect(grok({ patterns: ['^%{INT:n:int}'] }, 'abc 12 def')).toMatch(/does not match/);
  });

  it('names fields in ECS v1 by default, as Logstash 8; v8 is the same; disabled is legacy', () => {
    const line = '127.0.0.1 - - [10/Oct/2023:13:55:36 -0700] "GET / HTTP/1.1" 200 5';
    const ecs = grok({ patterns: ['%{COMMONAPACHELOG}'] }, line) as Fields;
    expect(ecs.source).toEqual({ address: '127.0.0.1' });
    expect(grok({ patterns: ['%{COMMONAPACHELOG}'], ecs_compatibility: 'v8' }, line)).toEqual(ecs);
    expect(grok({ patterns: ['%{COMMONAPACHELOG}'], ecs_compatibility: 'disabled' }, line)).toMatchObject({
      clientip: '127.0.0.1',
      response: '200',
    });
  });

  it('understands what Logstash (Oniguruma) users write', () => {
    expect(grok({ patterns: ['\\A(?<x>[[:alpha:]]+)-(?<h>\\h+)\\z'] }, 'abc-ff09')).toEqual({
      x: 'abc',
      h: 'ff09',
    });
    // An atomic group does not give back what it took: a+ keeps every a, so `ab` cannot follow.
    expect(grok({ patterns: ['^(?>(?<a>a+))ab'] }, 'aaab')).toMatch(/does not match/);
    expect(grok({ patterns: ['^(?>(?<a>a+))b'] }, 'aaab')).toEqual({ a: 'aaa' });
    // A backreference to a raw named group.
    expect(grok({ patterns: ['^(?<q>["\'])(?<v>\\w+)\\k<q>$'] }, "'x'")).toEqual({ q: "'", v: 'x' });
    // (?m) lets . cross newlines (a multiline record), (?i) ignores case.
    expect(
      grok({ patterns: ['(?m)^%{WORD:first} %{GREEDYDATA:rest}'] }, 'Exception in\n  at a.b(C.java:1)'),
    ).toEqual({
      first: 'Exception',
      rest: 'in\n  at a.b(C.java:1)',
    });
    expect(grok({ patterns: ['(?i)^level=(?<l>info)$'] }, 'LEVEL=INFO')).toEqual({ l: 'INFO' });
  });

  it('compiles a pattern once into one RegExp with generated group names', () => {
    const compiled = new GrokCompiler(patternLibrary('ecs')).compile(
      '%{IP:[source][ip]} (?<[user][name]>\\w+)',
    );
    expect(compiled.regex.source).toMatch(/^\(\?<g1>.*\(\?<g2>\\w\+\)$/);
    expect(compiled.exec.source).not.toMatch(/\(\?<[ag]\d+>/);
    expect(compiled.captures.map((c) => [c.index, c.path])).toEqual([
      [1, ['source', 'ip']],
      [2, ['user', 'name']],
    ]);
  });
});

describe('grok configuration errors', () => {
  it('names an unknown pattern with its path and similar names', () => {
    const e = refusal({ patterns: ['%{INT:n}', '%{COMBINEDAPACHELOGS}'] });
    expect(e.path).toEqual(['patterns', 1]);
    expect(e.message).toBe('unknown grok pattern %{COMBINEDAPACHELOGS}');
    expect(e.hint).toMatch(/^did you mean COMBINEDAPACHELOG\b/);
    expect(refusal({ patterns: ['%{IPV5:x}'] }).hint).toMatch(/IPV4.*IPV6|IPV6.*IPV4/);
  });

  it('points at the custom definition an unknown name is in, even an unused one', () => {
    const e = refusal({ pattern_definitions: { MINE: '%{WROD}' }, patterns: ['%{WORD:w}'] });
    expect(e.path).toEqual(['pattern_definitions', 'MINE']);
    expect(e.message).toBe('unknown grok pattern %{WROD} (in MINE)');
    expect(e.hint).toMatch(/WORD/);
  });

  it('refuses recursion with the cycle, at the definition that closes it', () => {
    const e = refusal({ pattern_definitions: { A: 'a%{B}', B: 'b%{A}' }, patterns: ['%{A}'] });
    expect(e.path).toEqual(['pattern_definitions', 'B']);
    expect(e.message).toBe('pattern A refers to itself: A -> B -> A (in A -> B)');
  });

  it('refuses unknown conversions, malformed references and field names', () => {
    expect(refusal({ patterns: ['%{INT:n:long}'] }).message).toBe(
      'unknown conversion "long" in %{INT:n:long}',
    );
    expect(refusal({ patterns: ['%{INT:n'] }).message).toMatch(/^unclosed %\{/);
    expect(refusal({ patterns: ['%{my-pattern}'] }).message).toBe('malformed reference %{my-pattern}');
    expect(refusal({ patterns: ['%{INT:[a]b}'] }).message).toMatch(/malformed field reference "\[a\]b"/);
    expect(refusal({ patterns: ['%{INT:__proto__}'] }).message).toMatch(/__proto__/);
    expect(refusal({ pattern_definitions: { 'MY-PAT': 'x' }, patterns: ['x'] }).path).toEqual([
      'pattern_definitions',
      'MY-PAT',
    ]);
  });

  it('refuses a regular expression JavaScript cannot compile, with the path', () => {
    const e = refusal({ patterns: ['%{INT:n}', '(unclosed'] });
    expect(e.path).toEqual(['patterns', 1]);
    expect(e.message).toMatch(/^invalid regular expression/);
  });
});
