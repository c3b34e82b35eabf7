import { describe, expect, it } from 'vitest';
import { compose, type EvidenceRow } from './compose.ts';
import { type HealthDef, rollupOf } from './definition.ts';
import { type Condition, partition, type Segment, stabilise } from './timeline.ts';

const cond = (fromUs: number, toUs: number, state: Condition['state'], rule = state): Condition => ({
  fromUs,
  toUs,
  state,
  rule,
  reason: rule,
  eventId: null,
});
const brief = (segs: Segment[]) =>
  segs.map((s) => `${s.fromUs}-${s.toUs}:${s.state}${s.flapping ? '~' : ''}`);

describe('time lines', () => {
  it('partition: the worst condition wins, ok where none holds', () => {
    const segs = partition(
      [cond(10, 50, 'stale'), cond(20, 30, 'failed'), cond(60, Infinity, 'degraded')],
      0,
      100,
    );
    expect(brief(segs)).toEqual([
      '0-10:ok',
      '10-20:stale',
      '20-30:failed',
      '30-50:stale',
      '50-60:ok',
      '60-100:degraded',
    ]);
  });

  it('stabilise: blips shorter than min_duration are not reported; rapid toggling is flapping', () => {
    const raw = partition([cond(10, 12, 'stale'), cond(40, 60, 'failed')], 0, 100);
    expect(brief(stabilise(raw, 5))).toEqual(['0-40:ok', '40-60:failed', '60-100:ok']);
    const toggling = partition(
      [cond(10, 20, 'failed'), cond(30, 40, 'failed'), cond(50, 60, 'failed'), cond(70, 80, 'failed')],
      0,
      200,
    );
    const s = stabilise(toggling, 0, { windowUs: 50, changes: 4 });
    expect(s.filter((x) => x.flapping).length).toBeGreaterThan(0);
    expect(s.at(-1)!.flapping).toBe(false);
  });
});

const def = (over: Partial<HealthDef> = {}): HealthDef => ({
  rules: [
    { name: 'down', reason: 'down', match: {}, state: 'failed', scope: 'component' },
    { name: 'no-active', reason: 'no active node', match: {}, state: 'failed', scope: 'subsystem' },
  ],
  recoveries: [],
  subsystems: {
    gw: { name: 'gw', components: ['a', 'b'], rollup: rollupOf('redundant'), dependsOn: [] },
    video: { name: 'video', components: ['v'], rollup: rollupOf('worst'), dependsOn: ['gw'] },
  },
  system: { name: 'site', rollup: rollupOf('worst') },
  minDurationUs: 0,
  hindsightUs: 600e6,
  lookbackUs: 1800e6,
  intervalMs: 1000,
  ...over,
});
const ev = (
  rule: string,
  subsystem: string,
  component: string,
  fromUs: number,
  toUs: number,
): EvidenceRow => ({
  rule,
  subsystem,
  component,
  fromUs,
  toUs,
  eventId: null,
});

describe('compose', () => {
  const lines = compose({
    def: def({
      rules: [
        ...def().rules,
        { name: 'broken', reason: 'broken', match: {}, state: 'degraded', scope: 'component' },
      ],
    }),
    startUs: 0,
    endUs: 100,
    observedFromUs: 0,
    seen: [],
    evidence: [
      ev('down', 'gw', 'a', 10, 40),
      ev('no-active', 'gw', '', 10, 13),
      ev('down', 'gw', 'b', 20, 30),
      ev('broken', 'video', 'v', 25, 35),
    ],
  });
  const line = (level: string, subsystem: string, component = '') =>
    lines.find((l) => l.level === level && l.subsystem === subsystem && l.component === component)!.segments;

  it('rolls an HA pair up: failed without an active node or with both down, degraded with one', () => {
    expect(brief(line('subsystem', 'gw'))).toEqual([
      '0-10:ok',
      '10-13:failed',
      '13-20:degraded',
      '20-30:failed',
      '30-40:degraded',
      '40-100:ok',
    ]);
    expect(line('subsystem', 'gw')[2]!.reason).toBe('a failed');
  });

  it('marks a failure under a failed dependency as suppressed, on the subsystem and its components', () => {
    const v = line('component', 'video', 'v');
    expect(v.map((s) => `${s.fromUs}-${s.toUs}:${s.state}:${s.suppressedBy ?? ''}`)).toEqual([
      '0-25:ok:',
      '25-30:degraded:gw',
      '30-35:degraded:',
      '35-100:ok:',
    ]);
    expect(line('subsystem', 'video')[1]!.suppressedBy).toBe('gw');
  });

  it('rolls the system up from the subsystems', () => {
    const sys = line('system', '');
    expect(brief(sys)).toEqual([
      '0-10:ok',
      '10-13:failed',
      '13-20:degraded',
      '20-30:failed',
      '30-35:degraded',
      '35-40:degraded',
      '40-100:ok',
    ]);
    expect(sys.map((s) => s.causedBy)).toEqual([null, 'gw', 'gw', 'gw', 'gw,video', 'gw', null]);
  });
});
