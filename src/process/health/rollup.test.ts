import { describe, expect, it } from 'vitest';
import { type HealthState, rollupOf } from './definition.ts';
import { rollup } from './rollup.ts';

const members = (...states: HealthState[]) => states.map((state, i) => ({ name: `m${i + 1}`, state }));

describe('roll-up functions', () => {
  it('worst: the worst member; unknown members are left out', () => {
    const worst = rollupOf('worst');
    expect(rollup(worst, members('ok', 'stale', 'degraded'))).toEqual({ state: 'degraded', causes: ['m3'] });
    expect(rollup(worst, members('ok', 'failed', 'unknown')).state).toBe('failed');
    expect(rollup(worst, members('unknown', 'unknown')).state).toBe('unknown');
    expect(rollup(worst, members('ok', 'unknown'))).toEqual({ state: 'ok', causes: [] });
  });

  it('redundant: an HA pair is degraded with one node down, failed with both', () => {
    const pair = rollupOf('redundant');
    expect(rollup(pair, members('ok', 'ok')).state).toBe('ok');
    expect(rollup(pair, members('failed', 'ok'))).toEqual({ state: 'degraded', causes: ['m1'] });
    expect(rollup(pair, members('failed', 'failed'))).toEqual({ state: 'failed', causes: ['m1', 'm2'] });
    expect(rollup(pair, members('ok', 'stale')).state).toBe('stale');
    expect(rollup(pair, members('failed', 'unknown')).state).toBe('failed');
  });

  it('n_of_m: ok while n are ok, failed while fewer than min are up', () => {
    const r = rollupOf({ function: 'n_of_m', n: 2, min: 2 });
    expect(rollup(r, members('ok', 'ok', 'failed')).state).toBe('ok');
    expect(rollup(r, members('ok', 'stale', 'failed')).state).toBe('degraded');
    expect(rollup(r, members('ok', 'stale', 'ok')).state).toBe('ok');
    expect(rollup(r, members('stale', 'failed', 'failed')).state).toBe('failed');
    expect(rollup(r, members('stale', 'stale', 'ok')).state).toBe('stale');
  });

  it('percentage and weighted: shares of ok and of not failed', () => {
    const p = rollupOf({ function: 'percentage', ok: 75, degraded: 50 });
    expect(rollup(p, members('ok', 'ok', 'ok', 'failed')).state).toBe('ok');
    expect(rollup(p, members('ok', 'ok', 'failed', 'failed')).state).toBe('degraded');
    expect(rollup(p, members('ok', 'failed', 'failed', 'failed')).state).toBe('failed');
    const w = rollupOf({ function: 'weighted', weights: { m1: 3 }, ok: 100, degraded: 50 });
    expect(rollup(w, members('ok', 'failed', 'failed')).state).toBe('degraded');
    expect(rollup(w, members('failed', 'ok', 'ok')).state).toBe('failed');
  });
});
