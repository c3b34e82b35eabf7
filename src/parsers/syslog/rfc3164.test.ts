// syslog, RFC 3164 ("BSD") and its real-world variants -> fields or the reason; the missing year
// and zone from a fixed receive time, across new year and DST.
import { describe, expect, it } from 'vitest';
import { parserOf } from '../test-helpers.ts';

type Case = [name: string, config: object, input: string, want: object | RegExp];

const AUTO = { type: 'syslog', timezone: 'UTC' };
const BERLIN = { type: 'syslog', format: 'rfc3164', timezone: 'Europe/Berlin' };
const at = (iso: string) => ({ receivedAtUs: Date.parse(iso) * 1000 });

const rfc3164: Case[] = [
  [
    'RFC 3164 example',
    AUTO,
    "<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8",
    {
      pri: 34,
      facility: 'auth',
      severity: 'critical',
      timestamp: '2026-10-11T22:14:15.000000Z',
      hostname: 'mymachine',
      app_name: 'su',
      message: "'su root' failed for lonvick on /dev/pts/8",
    },
  ],
  [
    'no tag: the rest is the message',
    AUTO,
    '<13>Feb  5 17:32:18 10.0.0.99 Use the BFG!',
    {
      pri: 13,
      facility: 'user',
      severity: 'notice',
      timestamp: '2026-02-05T17:32:18.000000Z',
      hostname: '10.0.0.99',
      message: 'Use the BFG!',
    },
  ],
  [
    'no PRI, tag with pid',
    AUTO,
    'Nov  6 12:00:00 host sshd[4242]: Accepted publickey for bob',
    {
      timestamp: '2026-11-06T12:00:00.000000Z',
      hostname: 'host',
      app_name: 'sshd',
      procid: '4242',
      message: 'Accepted publickey for bob',
    },
  ],
  [
    'no hostname: the first word is a tag',
    AUTO,
    '<13>Nov 26 11:59:00 sshd[42]: x',
    {
      pri: 13,
      facility: 'user',
      severity: 'notice',
      timestamp: '2026-11-26T11:59:00.000000Z',
      app_name: 'sshd',
      procid: '42',
      message: 'x',
    },
  ],
  [
    'no hostname, tag without pid',
    AUTO,
    'Nov 26 11:59:00 kernel: [  12.345] usb 1-1: new device',
    {
      timestamp: '2026-11-26T11:59:00.000000Z',
      app_name: 'kernel',
      message: '[  12.345] usb 1-1: new device',
    },
  ],
  [
    'a path as tag, pid without colon',
    AUTO,
    'Nov 26 11:59:00 gw-a postfix/smtpd[7] connect from x',
    {
      timestamp: '2026-11-26T11:59:00.000000Z',
      hostname: 'gw-a',
      app_name: 'postfix/smtpd',
      procid: '7',
      message: 'connect from x',
    },
  ],
  [
    'rsyslog high-precision timestamp',
    AUTO,
    '2026-11-26T12:00:00.123456+01:00 host tag[1]: msg',
    {
      timestamp: '2026-11-26T11:00:00.123456Z',
      hostname: 'host',
      app_name: 'tag',
      procid: '1',
      message: 'msg',
    },
  ],
  [
    'an ISO timestamp without offset is local time',
    BERLIN,
    '<30>2026-07-01T12:00:00 host app: up',
    {
      pri: 30,
      facility: 'daemon',
      severity: 'info',
      timestamp: '2026-07-01T10:00:00.000000Z',
      hostname: 'host',
      app_name: 'app',
      message: 'up',
    },
  ],
  [
    'fraction and year in a BSD timestamp',
    AUTO,
    'Mar  1 2024 10:00:00.25 h a: m',
    { timestamp: '2024-03-01T10:00:00.250000Z', hostname: 'h', app_name: 'a', message: 'm' },
  ],
  [
    'only a timestamp',
    AUTO,
    '<13>Nov 26 11:59:00',
    { pri: 13, facility: 'user', severity: 'notice', timestamp: '2026-11-26T11:59:00.000000Z', message: '' },
  ],
  [
    'a lone word is the message',
    AUTO,
    'Nov 26 11:59:00 rebooting',
    { timestamp: '2026-11-26T11:59:00.000000Z', message: 'rebooting' },
  ],
  ['no timestamp', AUTO, '<13>hello world', /expected an RFC 3164 timestamp/],
  ['not a month', AUTO, 'Foo  6 12:00:00 h t: m', /"Foo" is not a month/],
  ['not a time', AUTO, 'Nov  6 25:00:00 h t: m', /is not a valid time/],
  ['31 November', AUTO, 'Nov 31 12:00:00 h t: m', /is not a valid date/],
  ['a garbled ISO timestamp', AUTO, '2026-11-26T1\uFFFD"x host t: m', /expected an RFC 3164 timestamp/],
];

/** Year inference and DST: [name, config, line, received at, expected timestamp]. */
const years: [string, object, string, string, string][] = [
  [
    'a December line read in January is last year’s',
    AUTO,
    'Dec 31 23:59:59 h t: m',
    '2027-01-01T00:00:10Z',
    '2026-12-31T23:59:59.000000Z',
  ],
  [
    'a January line read on 31 December (a clock ahead) is next year’s',
    AUTO,
    'Jan  1 00:00:05 h t: m',
    '2026-12-31T23:59:58Z',
    '2027-01-01T00:00:05.000000Z',
  ],
  [
    'two months ahead means last year',
    AUTO,
    'Jan 26 12:00:00 h t: m',
    '2026-11-26T12:00:00Z',
    '2026-01-26T12:00:00.000000Z',
  ],
  [
    'three weeks ahead is still this year',
    AUTO,
    'Dec 17 12:00:00 h t: m',
    '2026-11-26T12:00:00Z',
    '2026-12-17T12:00:00.000000Z',
  ],
  [
    'ten months back is this year',
    AUTO,
    'Jan 26 12:00:00 h t: m',
    '2026-11-26T12:00:00Z',
    '2026-01-26T12:00:00.000000Z',
  ],
  [
    '29 February goes to the last leap year',
    AUTO,
    'Feb 29 08:00:00 h t: m',
    '2029-01-10T00:00:00Z',
    '2028-02-29T08:00:00.000000Z',
  ],
  [
    'the year is that of the zone’s local date',
    BERLIN,
    'Jan  1 00:29:00 h t: m',
    '2026-12-31T23:30:00Z',
    '2026-12-31T23:29:00.000000Z',
  ],
  [
    'winter time in Berlin',
    BERLIN,
    'Nov 26 13:00:00 h t: m',
    '2026-11-26T12:00:00Z',
    '2026-11-26T12:00:00.000000Z',
  ],
  [
    'summer time in Berlin',
    BERLIN,
    'Jul  1 12:00:00 h t: m',
    '2026-11-26T12:00:00Z',
    '2026-07-01T10:00:00.000000Z',
  ],
  [
    'spring forward: a time in the gap moves forward',
    BERLIN,
    'Mar 29 02:30:00 h t: m',
    '2026-03-29T12:00:00Z',
    '2026-03-29T01:30:00.000000Z',
  ],
  [
    'fall back: an ambiguous time is the first one',
    BERLIN,
    'Oct 25 02:30:00 h t: m',
    '2026-10-25T12:00:00Z',
    '2026-10-25T00:30:00.000000Z',
  ],
  [
    'New York',
    { ...AUTO, timezone: 'America/New_York' },
    'Jan 15 08:00:00 h t: m',
    '2026-01-20T00:00:00Z',
    '2026-01-15T13:00:00.000000Z',
  ],
];
describe('syslog parser, RFC 3164', () => {
  for (const [name, config, input, want] of rfc3164) {
    it(name, () => {
      const got = parserOf(config)(input, at('2026-11-26T12:00:00Z'));
      if (want instanceof RegExp) expect(got).toMatch(want);
      else expect(got).toEqual(want);
    });
  }

  describe('the year of year-less times', () => {
    for (const [name, config, input, received, want] of years) {
      it(name, () => expect(parserOf(config)(input, at(received))).toMatchObject({ timestamp: want }));
    }
  });
});
