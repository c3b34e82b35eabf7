// The hand-written Berlin rule agrees with the IANA database, and each rendering looks the way
// its subsystem's pipeline expects.
import { describe, expect, it } from 'vitest';
import { berlinLocal, berlinOffsetMs, isoUtc, isoUtcTrimmed, javaUtc } from './time.ts';

const berlin = new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Berlin', timeZoneName: 'longOffset' });
const intlOffsetMs = (ms: number): number => {
  const parts = berlin.formatToParts(new Date(ms));
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(parts.find((p) => p.type === 'timeZoneName')!.value);
  return (m![1] === '-' ? -1 : 1) * (Number(m![2]) * 60 + Number(m![3])) * 60_000;
};

describe('Berlin time', () => {
  it('matches the IANA zone every 20 minutes around the DST switches, 2024 to 2030', () => {
    for (let year = 2024; year <= 2030; year++) {
      for (const month of [2, 9]) {
        const from = Date.UTC(year, month, 24);
        for (let t = from; t < from + 9 * 86_400_000; t += 20 * 60_000)
          expect(berlinOffsetMs(t), new Date(t).toISOString()).toBe(intlOffsetMs(t));
      }
    }
  });

  it('renders local time without an offset', () => {
    expect(berlinLocal(Date.parse('2026-01-01T00:00:00.123Z') * 1000)).toBe('2026-01-01 01:00:00.123');
    expect(berlinLocal(Date.parse('2026-07-01T12:00:00.5Z') * 1000 + 999)).toBe('2026-07-01 14:00:00.500');
    // The autumn switch: 01:00 UTC on the last Sunday of October is 02:00 local, the second time.
    expect(berlinLocal(Date.parse('2026-10-25T00:30:00Z') * 1000)).toBe('2026-10-25 02:30:00.000');
    expect(berlinLocal(Date.parse('2026-10-25T01:30:00Z') * 1000)).toBe('2026-10-25 02:30:00.000');
  });
});

describe('UTC renderings', () => {
  const us = Date.parse('2026-03-29T01:02:03.450Z') * 1000 + 678;
  it('writes ISO with milliseconds or microseconds', () => {
    expect(isoUtc(us)).toBe('2026-03-29T01:02:03.450Z');
    expect(isoUtc(us, true)).toBe('2026-03-29T01:02:03.450678Z');
  });
  it('trims the fraction like Go', () => {
    expect(isoUtcTrimmed(us)).toBe('2026-03-29T01:02:03.45Z');
    expect(isoUtcTrimmed(Date.parse('2026-03-29T01:02:03Z') * 1000)).toBe('2026-03-29T01:02:03Z');
  });
  it('writes log4j style', () => {
    expect(javaUtc(us)).toBe('2026-03-29 01:02:03,450');
  });
});
