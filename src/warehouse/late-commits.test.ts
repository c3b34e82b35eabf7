// The measured lateness of commits: the largest delay of the last ten minutes, forgotten after.
import { describe, expect, it } from 'vitest';
import { LateCommits, lateMarginUs, oldestReceived } from './late-commits.ts';

const MIN = 60_000;

describe('LateCommits', () => {
  it('keeps the largest delay of the last ten minutes', () => {
    const l = new LateCommits();
    const t = 1_000_000_000;
    expect(l.maxDelayUs(t)).toBe(0);
    l.record((t - 500) * 1000, t); // 0.5 s
    l.record((t + MIN - 9_000) * 1000, t + MIN); // 9 s, a minute later
    l.record((t + 2 * MIN - 1_000) * 1000, t + 2 * MIN); // 1 s
    expect(l.maxDelayUs(t + 2 * MIN)).toBe(9e6);
    expect(l.maxDelayUs(t + 10 * MIN + MIN - 1)).toBe(9e6);
    // the 9 s commit is more than ten minutes old: the 1 s one after it remains
    expect(l.maxDelayUs(t + 11 * MIN + 1)).toBe(1e6);
    expect(l.maxDelayUs(t + 13 * MIN)).toBe(0);
  });

  it('counts no negative delay (rows stamped ahead of the clock)', () => {
    const l = new LateCommits();
    l.record(5_000_000_000, 1_000);
    expect(l.maxDelayUs(1_000)).toBe(0);
  });

  it('finds the oldest received_at of a batch, events and dead letters alike', () => {
    expect(oldestReceived({ events: [], deadLetters: [] })).toBeUndefined();
    expect(
      oldestReceived({ events: [{ receivedAt: 5 }, { receivedAt: 3 }], deadLetters: [{ receivedAt: 4 }] }),
    ).toBe(3);
    expect(oldestReceived({ events: [{ receivedAt: 5 }], deadLetters: [{ receivedAt: 2 }] })).toBe(2);
  });

  it('widens a margin to the measured delay plus 2 s, never below its base nor above a minute', () => {
    const delay = (us: number) => ({ commitDelayUs: () => us });
    expect(lateMarginUs({}, 3e6)).toBe(3e6); // an engine that does not measure (ClickHouse)
    expect(lateMarginUs(delay(0), 3e6)).toBe(3e6);
    expect(lateMarginUs(delay(0.5e6), 3e6)).toBe(3e6);
    expect(lateMarginUs(delay(5e6), 3e6)).toBe(7e6);
    expect(lateMarginUs(delay(58e6), 3e6)).toBe(60e6);
    expect(lateMarginUs(delay(3_600e6), 3e6)).toBe(60e6); // an agent's hour-old buffer: reprocess
    expect(lateMarginUs(delay(3_600e6), 90e6)).toBe(90e6);
  });
});
