// Scenario specs: parsing, the documented default timings (fractions of the run, or of ten
// minutes without a duration), every problem reported at once; determinism per seed and
// scenario; and scenarios taking effect in realtime mode.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../events/errors.ts';
import type { Manifest } from './output.ts';
import { parseScenarios, planScenarios, type ScenarioPlan } from './scenarios.ts';
import { simulate } from './simulate.ts';
import { isoUs, readJsonLines, readTree, tempDir } from './test-helpers.ts';
import type { ScenarioTruth, TruthRecord } from './truth.ts';

const S = 1_000_000;
const dirs: (() => void)[] = [];
afterAll(() => {
  for (const c of dirs) c();
});
const dir = (): string => {
  const t = tempDir();
  dirs.push(t.cleanup);
  return t.dir;
};

const ALL = 'failover,storm,console-stall,clock-skew,rotation-burst,corrupt,silent';
const offsets = (plans: ScenarioPlan[]) =>
  Object.fromEntries(plans.map((p) => [p.name, [p.fromUs / S, Number.isFinite(p.toUs) ? p.toUs / S : null]]));

describe('scenario specs', () => {
  it('parses names and key=value parameters', () => {
    expect(parseScenarios(' failover , storm:factor=20:at=2m,')).toEqual([
      { name: 'failover', params: {} },
      { name: 'storm', params: { factor: '20', at: '2m' } },
    ]);
  });

  it('times the faults as fractions of the duration', () => {
    const plans = planScenarios(parseScenarios(`baseline,${ALL}`), { startUs: 0, durationMs: 3_600_000 });
    expect(offsets(plans)).toEqual({
      failover: [1440, 1530],
      storm: [1320, 1620],
      'console-stall': [1800, 2400],
      'clock-skew': [0, null],
      'rotation-burst': [2340, 2360],
      corrupt: [2700, 2730],
      silent: [720, 1020],
    });
  });

  it('times them within the first minutes of a run without a duration (realtime demo)', () => {
    const plans = planScenarios(parseScenarios(ALL), { startUs: 5 * S });
    expect(offsets(plans)).toEqual({
      failover: [245, 335],
      storm: [125, 425],
      'console-stall': [305, 905],
      'clock-skew': [5, null],
      'rotation-burst': [395, 415],
      corrupt: [455, 485],
      silent: [125, 425],
    });
  });

  it('takes parameters', () => {
    const [fo, skew, stall] = planScenarios(
      parseScenarios(
        'failover:subsystem=alarm-server:at=30s:takeover=5s:for=2m,clock-skew:component=gw-b:skew=-800ms,console-stall:component=op-console-2',
      ),
      { startUs: 0, durationMs: 600_000 },
    );
    expect(fo).toMatchObject({ subsystem: 'alarm-server', fromUs: 30 * S, toUs: 150 * S, takeoverUs: 5 * S });
    expect(fo!.params).toEqual({ subsystem: 'alarm-server', at_s: 30, for_s: 120, takeover_s: 5 });
    expect(skew).toMatchObject({ component: 'gw-b', skewUs: -800_000 });
    expect(stall).toMatchObject({ component: 'op-console-2' });
  });

  it('reports every problem at once', () => {
    const plan = () =>
      planScenarios(
        parseScenarios(
          'storm:factor=0:colour=red,nope,console-stall:component=sc-01,storm,failover:takeover=2m',
        ),
        { startUs: 0 },
      );
    expect(plan).toThrow(UserError);
    try {
      plan();
    } catch (e) {
      const wheres = (e as UserError).details.map((d) => d.where);
      expect(wheres).toEqual([
        'scenario storm: factor',
        'scenario storm: colour',
        'scenario nope',
        'scenario console-stall: component',
        'scenario storm',
        'scenario failover: takeover',
      ]);
    }
    expect(() => parseScenarios('storm:factor')).toThrow(
      expect.objectContaining({ details: [{ where: 'storm:factor', message: '"factor" is not key=value' }] }),
    );
  });

  it('rejects a bad scenario before touching the output directory', async () => {
    const d = dir();
    await expect(simulate({ outDir: join(d, 'x'), durationMs: 60_000, scenarios: 'stormy' })).rejects.toThrow(
      UserError,
    );
    expect(readTree(d).size).toBe(0);
  });
});

describe('determinism per seed and scenario', () => {
  const run = async (seed: number, scenarios: string) => {
    const d = dir();
    await simulate({
      outDir: d,
      seed,
      durationMs: 10 * 60_000,
      ratePerSecond: 3,
      scenarios,
      keepRotated: 100,
    });
    return readTree(d);
  };

  it('writes identical files for the same seed and scenarios, other files for other scenarios', async () => {
    const a = await run(4, ALL);
    const b = await run(4, ALL);
    expect([...a.keys()]).toEqual([...b.keys()]);
    for (const [path, content] of a) expect(b.get(path), path).toBe(content);
    const c = await run(4, 'storm');
    expect(c.get('truth.jsonl')).not.toBe(a.get('truth.jsonl'));
    // Until its first fault a scenario run is the baseline's run.
    const base = await run(4, 'baseline');
    const firstAlarm = (t: Map<string, string>) => t.get('sensors/sc-01.log')!.split('\n')[0];
    expect(firstAlarm(c)).toBe(firstAlarm(base));
  });
});

describe('scenarios in realtime mode', () => {
  it('applies them on the wall clock, relative to the start', async () => {
    const d = dir();
    const stop = new AbortController();
    const timer = setTimeout(() => stop.abort(), 3000);
    await simulate({
      outDir: d,
      mode: 'realtime',
      ratePerSecond: 20,
      scenarios:
        'corrupt:at=500ms:for=1s:share=1,rotation-burst:at=1s:for=1s,silent:at=0s:for=10m:component=vms-1',
      signal: stop.signal,
    });
    clearTimeout(timer);
    const truth = readJsonLines<TruthRecord>(readFileSync(join(d, 'truth.jsonl'), 'utf8'));
    const sc = (n: string) => truth.find((t): t is ScenarioTruth => t.kind === 'scenario' && t.name === n)!;
    const run = truth.find((t) => t.kind === 'run')!;
    expect(run).toMatchObject({ mode: 'realtime' });
    const startUs = isoUs((run as { start: string }).start);
    expect(isoUs(sc('corrupt').from!) - startUs).toBe(500_000);
    expect(sc('corrupt').to).not.toBeNull();
    expect(Number(sc('corrupt').facts.garbled_records)).toBeGreaterThan(10);
    expect(sc('rotation-burst').facts.files_rotated).toBeGreaterThan(5);
    expect(sc('silent').to).toBeNull(); // still silent when the run ended
    const manifest = JSON.parse(readFileSync(join(d, 'manifest.json'), 'utf8')) as Manifest;
    expect(manifest.files['video/vms-1.log']).toBe(0);
    expect(Object.keys(manifest.files).some((f) => f.endsWith('.log.1'))).toBe(true);
  });
});
