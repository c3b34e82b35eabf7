// strptime-style and named formats -> UTC microseconds, including DST gaps and overlaps.
import { describe, expect, it } from 'vitest';
import { usToIso } from '../events/time.ts';
import { compileTimestamp } from './timestamp.ts';

const iso = (format: string, zone: string | undefined, text: string) => {
  const us = compileTimestamp(format, zone)(text);
  return us === undefined ? undefined : usToIso(us);
};

describe('compileTimestamp', () => {
  const cases: [string, string | undefined, string, string | undefined][] = [
    ['%Y-%m-%d %H:%M:%S.%f', 'Europe/Berlin', '2026-11-26 13:04:05.123', '2026-11-26T12:04:05.123000Z'],
    ['%Y-%m-%d %H:%M:%S.%f', 'Europe/Berlin', '2026-07-01 12:00:00.5', '2026-07-01T10:00:00.500000Z'],
    // spring forward: 02:30 does not exist in Berlin, moved forward by the gap
    ['%Y-%m-%d %H:%M:%S', 'Europe/Berlin', '2026-03-29 02:30:00', '2026-03-29T01:30:00.000000Z'],
    // fall back: 02:30 happens twice; the first occurrence wins
    ['%Y-%m-%d %H:%M:%S', 'Europe/Berlin', '2026-10-25 02:30:00', '2026-10-25T00:30:00.000000Z'],
    ['%Y-%m-%d %H:%M:%S', 'America/New_York', '2026-01-15 08:00:00', '2026-01-15T13:00:00.000000Z'],
    ['%Y-%m-%d %H:%M:%S,%f', 'UTC', '2026-11-26 12:04:06,012', '2026-11-26T12:04:06.012000Z'],
    ['%d/%b/%Y:%H:%M:%S %z', undefined, '26/Nov/2026:13:04:05 +0100', '2026-11-26T12:04:05.000000Z'],
    ['%Y-%m-%dT%H:%M:%S.%f%z', undefined, '2026-11-26T13:04:05.123456+01:00', '2026-11-26T12:04:05.123456Z'],
    ['%m/%d/%Y %I:%M:%S %p', 'UTC', '11/26/2026 01:04:05 PM', '2026-11-26T13:04:05.000000Z'],
    ['%Y-%m-%d %H:%M:%S', 'UTC', '2026-02-31 00:00:00', undefined],
    ['%Y-%m-%d %H:%M:%S', 'UTC', 'garbage', undefined],
    ['iso8601', undefined, '2026-11-26T12:04:05.321Z', '2026-11-26T12:04:05.321000Z'],
    ['iso8601', undefined, '2026-11-26T12:04:05', undefined],
    ['iso8601', 'Europe/Berlin', '2026-11-26T13:04:05', '2026-11-26T12:04:05.000000Z'],
    ['epoch_ms', undefined, '1764158645123', '2025-11-26T12:04:05.123000Z'],
    ['epoch_s', undefined, '1764158645.5', '2025-11-26T12:04:05.500000Z'],
    ['epoch_ns', undefined, '1764158645123456789', '2025-11-26T12:04:05.123456Z'],
  ];
  for (const [format, zone, text, want] of cases) {
    it(`${format} ${zone ?? ''} ${text}`, () => expect(iso(format, zone, text)).toBe(want));
  }

  it('refuses a zone-less format without a zone, unknown directives and unknown zones', () => {
    expect(() => compileTimestamp('%Y-%m-%d %H:%M:%S')).toThrow(/timezone/);
    expect(() => compileTimestamp('%Y %Q', 'UTC')).toThrow(/unsupported directive %Q/);
    expect(() => compileTimestamp('%Y', 'Mars/Olympus')).toThrow(/unknown time zone/);
  });
});

describe('edge years and fractions', () => {
  it('keeps years 0-99 and truncates fractions instead of rolling into the next second', () => {
    const iso = compileTimestamp('iso8601');
    expect(iso('0050-06-01T00:00:00Z')).toBe(Date.parse('0050-06-01T00:00:00Z') * 1000);
    expect(iso('2026-12-31T23:59:59.999999999Z')).toBe(Date.parse('2026-12-31T23:59:59Z') * 1000 + 999_999);
    const f = compileTimestamp('%Y-%m-%d %H:%M:%S.%f', 'UTC');
    expect(f('0099-01-02 03:04:05.1234567')).toBe(Date.parse('0099-01-02T03:04:05Z') * 1000 + 123_456);
  });
});
