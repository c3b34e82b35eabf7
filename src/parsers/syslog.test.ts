// syslog: RFC 5424 lines (the RFC's own examples and the alarm server's) -> fields or the reason;
// format auto, chaining, hostile input that must never throw, and bad options. RFC 3164 and its
// year inference: syslog/rfc3164.test.ts.
import { describe, expect, it } from 'vitest';
import { buildError, parserOf } from './test-helpers.ts';

type Case = [name: string, config: object, input: string, want: object | RegExp];

const R5424 = { type: 'syslog', format: 'rfc5424' };
const AUTO = { type: 'syslog', timezone: 'UTC' };
const BERLIN = { type: 'syslog', format: 'rfc3164', timezone: 'Europe/Berlin' };

const rfc5424: Case[] = [
  [
    'RFC 5424 example 1: no structured data, BOM before the message',
    R5424,
    "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - \uFEFF'su root' failed for lonvick on /dev/pts/8",
    {
      pri: 34,
      facility: 'auth',
      severity: 'critical',
      timestamp: '2003-10-11T22:14:15.003000Z',
      hostname: 'mymachine.example.com',
      app_name: 'su',
      msgid: 'ID47',
      message: "'su root' failed for lonvick on /dev/pts/8",
    },
  ],
  [
    'RFC 5424 example 2: an offset and microseconds',
    R5424,
    "<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make the do-nuts.",
    {
      pri: 165,
      facility: 'local4',
      severity: 'notice',
      timestamp: '2003-08-24T12:14:15.000003Z',
      hostname: '192.0.2.1',
      app_name: 'myproc',
      procid: '8710',
      message: "%% It's time to make the do-nuts.",
    },
  ],
  [
    'RFC 5424 example 4: two elements and no message',
    R5424,
    '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high"]',
    {
      pri: 165,
      facility: 'local4',
      severity: 'notice',
      timestamp: '2003-10-11T22:14:15.003000Z',
      hostname: 'mymachine.example.com',
      app_name: 'evntslog',
      msgid: 'ID47',
      structured_data: {
        'exampleSDID@32473': { iut: '3', eventSource: 'Application', eventID: '1011' },
        'examplePriority@32473': { class: 'high' },
      },
    },
  ],
  [
    'an alarm-server line',
    R5424,
    '<132>1 2026-01-01T00:00:04.422806Z as-1 alarmd 8732 ALARM [alarm@32473 alarm_id="A-000005" alarm_ref="sc-04/1004" prio="2"] Alarm raised',
    {
      pri: 132,
      facility: 'local0',
      severity: 'warning',
      timestamp: '2026-01-01T00:00:04.422806Z',
      hostname: 'as-1',
      app_name: 'alarmd',
      procid: '8732',
      msgid: 'ALARM',
      structured_data: { 'alarm@32473': { alarm_id: 'A-000005', alarm_ref: 'sc-04/1004', prio: '2' } },
      message: 'Alarm raised',
    },
  ],
  [
    'escapes in values: \\" \\\\ \\] are unescaped, any other backslash is kept',
    R5424,
    '<14>1 - - - - - [x@1 a="q\\"uote" b="back\\\\slash" c="br\\]acket" d="keep\\n" e="]" f=""] m',
    {
      pri: 14,
      facility: 'user',
      severity: 'info',
      structured_data: {
        'x@1': { a: 'q"uote', b: 'back\\slash', c: 'br]acket', d: 'keep\\n', e: ']', f: '' },
      },
      message: 'm',
    },
  ],
  [
    'a repeated parameter keeps every value',
    R5424,
    '<14>1 - h - - - [origin ip="10.0.0.1" ip="10.0.0.2" software="x"]',
    {
      pri: 14,
      facility: 'user',
      severity: 'info',
      hostname: 'h',
      structured_data: { origin: { ip: ['10.0.0.1', '10.0.0.2'], software: 'x' } },
    },
  ],
  [
    'flat structured data with types; header fields win over parameters of the same name',
    { ...R5424, structured_data: 'flat', types: { prio: 'int', ip: 'int' } },
    '<132>1 2026-01-01T00:00:00Z as-1 alarmd 1 ALARM [alarm@32473 prio="2" message="no"][origin ip="1" ip="2"] text',
    {
      pri: 132,
      facility: 'local0',
      severity: 'warning',
      timestamp: '2026-01-01T00:00:00.000000Z',
      hostname: 'as-1',
      app_name: 'alarmd',
      procid: '1',
      msgid: 'ALARM',
      prio: 2,
      ip: [1, 2],
      message: 'text',
    },
  ],
  [
    'nested types',
    { ...R5424, types: { n: 'int' } },
    '<14>1 - - - - - [a n="1"][b n="2" m="x"]',
    { pri: 14, facility: 'user', severity: 'info', structured_data: { a: { n: 1 }, b: { n: 2, m: 'x' } } },
  ],
  [
    'a parameter that is not its type',
    { ...R5424, types: { n: 'int' } },
    '<14>1 - - - - - [a n="x"]',
    /field "n" is "x", not a valid int/,
  ],
  ['everything nil', R5424, '<0>1 - - - - - -', { pri: 0, facility: 'kern', severity: 'emergency' }],
  [
    'an empty message',
    R5424,
    '<191>1 - - - - - - ',
    { pri: 191, facility: 'local7', severity: 'debug', message: '' },
  ],
  [
    'a message glued to the structured data is tolerated',
    R5424,
    '<14>1 - - - - - [a]msg',
    { pri: 14, facility: 'user', severity: 'info', structured_data: { a: {} }, message: 'msg' },
  ],
  ['no PRI', R5424, '1 - - - - - -', /requires a PRI/],
  ['PRI out of range', R5424, '<192>1 - - - - - -', /PRI 192 is out of range/],
  ['PRI not a number', R5424, '<1a>1 - - - - - -', /PRI "<...>" must hold a number/],
  ['PRI unclosed', R5424, '<13', /PRI must be one to three digits/],
  ['no version', R5424, '<13>Nov  6 12:00:00 host x', /expected a version number/],
  [
    'a timestamp without offset',
    R5424,
    '<13>1 2026-01-01T00:00:00 h a p m -',
    /is not a timestamp with a zone offset/,
  ],
  [
    'a garbled timestamp',
    R5424,
    '<133>1 2026\uFFFD"z~6WCK [alarm@32473 alarm_id="A-001722"] x',
    /is not a timestamp/,
  ],
  ['truncated header', R5424, '<13>1 2026-01-01T00:00:00Z host app', /ends before its PROCID/],
  ['no structured data', R5424, '<13>1 - h a p m', /ends before its STRUCTURED-DATA/],
  ['two spaces', R5424, '<13>1 -  h a p m -', /empty HOSTNAME/],
  ['structured data that is neither - nor [', R5424, '<13>1 - h a p m x', /must be "-" or start with "\["/],
  ['unterminated element', R5424, '<13>1 - h a p m [a b="c"', /unterminated structured-data element "a"/],
  ['unterminated value', R5424, '<13>1 - h a p m [a b="c] msg', /unterminated value of "b"/],
  ['a parameter without quotes', R5424, '<13>1 - h a p m [a b=c]', /expected name="value"/],
  ['an element without id', R5424, '<13>1 - h a p m [ b="c"]', /without an SD-ID/],
];

describe('syslog parser', () => {
  for (const [name, config, input, want] of rfc5424) {
    it(name, () => {
      const got = parserOf(config)(input);
      if (want instanceof RegExp) expect(got).toMatch(want);
      else expect(got).toEqual(want);
    });
  }

  it('format auto tells the two apart; rfc3164 does not read RFC 5424', () => {
    const line = '<13>1 2026-01-01T00:00:00Z h a - - - m';
    expect(parserOf(AUTO)(line)).toMatchObject({ app_name: 'a', message: 'm' });
    expect(parserOf({ ...AUTO, format: 'rfc3164' })(line)).toMatch(/expected an RFC 3164 timestamp/);
  });

  it('chains: kv reads the message syslog found', () => {
    const syslog = parserOf(AUTO);
    const kv = parserOf({ type: 'kv', field: 'message' });
    const fields = syslog('<14>Nov 26 11:00:00 gw app[1]: user=bob action=login') as Record<string, unknown>;
    expect(kv('', {}, fields as never)).toMatchObject({ user: 'bob', action: 'login', app_name: 'app' });
  });

  it('never throws on hostile input', () => {
    const inputs = [
      '',
      '<',
      '<>',
      '<13>',
      '<13>1',
      '<13>1 ',
      '\0\0\0',
      '<13>1 - - - - - [',
      '<13>1 - - - - - [a',
      '<13>1 - - - - - [a b',
      '<13>1 - - - - - [a b=',
      '<13>1 - - - - - [a b="\\',
      '\uFFFD\uFFFD\uFFFD',
      '<13>Nov  6 12:00:00 \0host\0 t\0[1]: \0',
      `<13>1 - - - - - [a ${'p="v" '.repeat(50_000)}]`,
      `<13>Nov  6 12:00:00 ${'x'.repeat(1_000_000)}`,
      `<13>1 - - - - - [a b="${'\\"'.repeat(500_000)}`,
    ];
    const t = performance.now();
    for (const config of [AUTO, R5424, BERLIN]) {
      const p = parserOf(config);
      for (const input of inputs) {
        const got = p(input);
        expect(typeof got === 'string' || (typeof got === 'object' && got !== null)).toBe(true);
      }
    }
    // Quadratic work would take minutes here; linear takes well under a second.
    expect(performance.now() - t).toBeLessThan(10_000);
  }, 30_000);

  it('refuses bad options at build time', () => {
    expect(buildError({ type: 'syslog' })).toMatch(/^timezone: format auto needs timezone/);
    expect(buildError({ type: 'syslog', format: 'rfc3164' })).toMatch(
      /^timezone: format rfc3164 needs timezone/,
    );
    expect(buildError({ type: 'syslog', timezone: 'Mars/Olympus' })).toMatch(/^timezone: unknown time zone/);
    expect(buildError(R5424)).toBeUndefined();
  });
});
