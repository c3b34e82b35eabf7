// Id reservation: whatever moment a realtime run dies at, the persisted limits lie beyond every
// id already handed out, so a restart cannot reuse one.
import { describe, expect, it } from 'vitest';
import { IdCounters, type IdLimits } from './ids.ts';

describe('IdCounters', () => {
  it('persists a limit beyond an id before handing it out', () => {
    let saved: IdLimits = { nextEvt: 0, nextAlarm: 0 };
    const ids = new IdCounters(1000, 1, (l) => {
      saved = { ...l };
    });
    for (let i = 0; i < 1000; i++) {
      expect(ids.evt()).toBeLessThan(saved.nextEvt);
      if (i % 3 === 0) expect(ids.alarm()).toBeLessThan(saved.nextAlarm);
    }
    expect(ids.nextEvt).toBe(2000);
  });

  it('hands out plain sequences without a reservation callback', () => {
    const ids = new IdCounters(5, 7);
    expect([ids.evt(), ids.evt(), ids.alarm()]).toEqual([5, 6, 7]);
  });
});
