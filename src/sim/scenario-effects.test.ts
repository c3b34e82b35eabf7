// Every scenario at once in one batch run (they are planned not to get in each other's way), and
// each one's effect checked against the logs and the truth: the storm's rate, the failover's
// silence and takeover, the stalled console's missing displays, the skewed clock's exact offset,
// the rotation inside the burst, the garbled share, the silent component's gap.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulate } from './simulate.ts';
import { isoUs, readJsonLines, readTree, subsystemLines, tempDir } from './test-helpers.ts';
import {
  COMPONENTS,
  HA_PAIRS,
  haPeerOf,
  REQUIRED_STEPS,
  STALE_AFTER_S,
  SUBSYSTEMS,
  subsystemOf,
} from './topology.ts';
import type {
  AlarmTruth,
  EdgeTruth,
  HealthTruth,
  HeartbeatTruth,
  OutageTruth,
  RunTruth,
  ScenarioTruth,
  TruthRecord,
  TruthStep,
} from './truth.ts';

const S = 1_000_000;
const { dir, cleanup } = tempDir();
afterAll(cleanup);

let tree: Map<string, string>;
let truth: TruthRecord[];
let alarms: AlarmTruth[];
let heartbeats: HeartbeatTruth[];
let health: HealthTruth[];
let edges: EdgeTruth[];
let run: RunTruth;

beforeAll(async () => {
  await simulate({
    outDir: dir,
    seed: 21,
    durationMs: 40 * 60_000,
    ratePerSecond: 2,
    // Random failovers too (10 min apart on average): the planned one must still happen as planned.
    failoverMeanMs: 10 * 60_000,
    keepRotated: 1000,
    scenarios: 'failover,storm,console-stall,clock-skew,rotation-burst,corrupt,silent',
  });
  tree = readTree(dir);
  truth = readJsonLines<TruthRecord>(tree.get('truth.jsonl')!);
  const of = <K extends TruthRecord['kind']>(k: K) =>
    truth.filter((t): t is Extract<TruthRecord, { kind: K }> => t.kind === k);
  alarms = of('alarm');
  heartbeats = of('heartbeat');
  health = of('health');
  edges = of('edge');
  run = of('run')[0]!;
});

const scenario = (name: string): ScenarioTruth & { fromUs: number; toUs: number } => {
  const s = truth.find((t): t is ScenarioTruth => t.kind === 'scenario' && t.name === name)!;
  return { ...s, fromUs: isoUs(s.from!), toUs: s.to ? isoUs(s.to) : isoUs(run.end) };
};
const stepOf = (a: AlarmTruth, step: string): TruthStep | undefined => a.steps.find((s) => s.step === step);
const trueUs = (s: { true_ts: string }): number => isoUs(s.true_ts);
const raisedUs = (a: AlarmTruth): number => trueUs(a.steps[0]!);
const within = (us: number, from: number, to: number): boolean => us >= from && us < to;
const intervalsOf = (component: string | null, subsystem?: string) =>
  health.filter((h) => h.component === component && (subsystem === undefined || h.subsystem === subsystem));

describe('scenario effects', () => {
  it('plans the faults at their documented times (fractions of the 40-minute run)', () => {
    const at = (name: string) => (scenario(name).fromUs - isoUs(run.start)) / S;
    expect(at('silent')).toBe(0.2 * 2400);
    expect(at('storm')).toBe(0.4 * 2400 - 120);
    expect(at('failover')).toBe(0.4 * 2400);
    expect(at('console-stall')).toBe(0.5 * 2400);
    expect(at('rotation-burst')).toBe(0.65 * 2400);
    expect(at('corrupt')).toBe(0.75 * 2400);
    expect(at('clock-skew')).toBe(0);
    expect(run.scenarios).toEqual([
      'baseline',
      'failover',
      'storm',
      'console-stall',
      'clock-skew',
      'rotation-burst',
      'corrupt',
      'silent',
    ]);
  });

  it('storm: ten times the alarm rate in its window, rotation-burst twenty times', () => {
    const storm = scenario('storm');
    const burst = scenario('rotation-burst');
    const rate = (from: number, to: number) =>
      alarms.filter((a) => within(raisedUs(a), from, to)).length / ((to - from) / S);
    const endUs = isoUs(run.end);
    const startUs = isoUs(run.start);
    const quiet =
      (alarms.length -
        alarms.filter((a) => within(raisedUs(a), storm.fromUs, storm.toUs)).length -
        alarms.filter((a) => within(raisedUs(a), burst.fromUs, burst.toUs)).length) /
      ((endUs - startUs - (storm.toUs - storm.fromUs) - (burst.toUs - burst.fromUs)) / S);
    expect(quiet).toBeGreaterThan(1.9);
    expect(quiet).toBeLessThan(2.1);
    expect(rate(storm.fromUs, storm.toUs) / quiet).toBeGreaterThan(9.3);
    expect(rate(storm.fromUs, storm.toUs) / quiet).toBeLessThan(10.7);
    expect(rate(burst.fromUs, burst.toUs) / quiet).toBeGreaterThan(17);
    expect(rate(burst.fromUs, burst.toUs) / quiet).toBeLessThan(23);
  });

  it('failover: the planned node goes silent, the peer takes over after 3 s, the node restarts after 90 s', () => {
    const fo = scenario('failover');
    const node = String(fo.facts.node);
    const peer = node === 'gw-a' ? 'gw-b' : 'gw-a';
    const takeoverUs = isoUs(String(fo.facts.takeover_at));
    expect(fo.facts.takeover_by).toBe(peer);
    expect(takeoverUs - fo.fromUs).toBe(3 * S);
    expect(fo.toUs - fo.fromUs).toBe(90 * S);
    const outage = truth.find(
      (t): t is OutageTruth => t.kind === 'outage' && t.component === node && t.from === fo.from,
    )!;
    expect(outage).toMatchObject({ to: fo.to, takeover_by: peer, takeover_at: fo.facts.takeover_at });
    // Nobody forwards until the takeover, the failed node nothing until it is back.
    const forwarded = alarms.flatMap((a) => a.steps.filter((s) => s.step === 'gateway.forwarded'));
    expect(forwarded.filter((s) => within(trueUs(s), fo.fromUs, takeoverUs))).toEqual([]);
    expect(forwarded.filter((s) => s.component === node && within(trueUs(s), fo.fromUs, fo.toUs))).toEqual(
      [],
    );
    expect(
      forwarded.filter((s) => s.component === peer && within(trueUs(s), takeoverUs, fo.toUs)).length,
    ).toBeGreaterThan(100);
    const nodeLines = subsystemLines(tree, 'gateway')
      .filter((l) => l.includes(`"host":"${node}"`))
      .map((l) => isoUs(/"ts":"([^"]+)"/.exec(l)![1]!));
    expect(nodeLines.filter((t) => t > fo.fromUs && t < fo.toUs)).toEqual([]);
    expect(nodeLines).toContain(fo.toUs); // service.start and its first heartbeat
    // Health: the node failed for the outage, the pair failed until the takeover, then degraded.
    expect(intervalsOf(node).filter((h) => h.state === 'failed')).toContainEqual(
      expect.objectContaining({ from: fo.from, to: fo.to, reason: 'down' }),
    );
    const pair = intervalsOf(null, 'gateway');
    expect(pair).toContainEqual(
      expect.objectContaining({ state: 'failed', from: fo.from, to: fo.facts.takeover_at }),
    );
    expect(pair).toContainEqual(
      expect.objectContaining({ state: 'degraded', from: fo.facts.takeover_at, to: fo.to }),
    );
    // Edges: every sensor's run of hops to the node ends before the failure, to the peer begins after the takeover.
    for (const sensor of ['sc-01', 'sc-02', 'sc-03', 'sc-04', 'sc-05', 'sc-06']) {
      const runs = edges.filter((e) => e.from_component === sensor && e.to_step === 'gateway.forwarded');
      const before = runs.filter((e) => e.to_component === node && isoUs(e.last) <= fo.fromUs);
      const after = runs.filter((e) => e.to_component === peer && isoUs(e.first) >= takeoverUs);
      expect(before.length, sensor).toBeGreaterThan(0);
      expect(
        after.some((e) => isoUs(e.first) < fo.toUs),
        sensor,
      ).toBe(true);
    }
  });

  it('console-stall: what the stalled console should have shown is stuck, then lost; heartbeats go on', () => {
    const st = scenario('console-stall');
    const c = String(st.params.component);
    const dispatched = (a: AlarmTruth) => stepOf(a, 'alarm.dispatched');
    // Displayed 0.1-2 s after dispatch: everything dispatched inside the window (but its last 2 s) is dropped.
    const dropped = alarms.filter(
      (a) => a.console === c && dispatched(a) && within(trueUs(dispatched(a)!), st.fromUs, st.toUs - 2 * S),
    );
    expect(dropped.length).toBeGreaterThan(500);
    const consoleText = subsystemLines(tree, 'console').join('\n');
    const endUs = isoUs(run.end);
    for (const a of dropped) {
      expect(stepOf(a, 'console.displayed'), a.evt).toBeUndefined();
      expect(a.lost_at).toBe('console');
      expect(a.missing).toContainEqual({
        step: 'console.displayed',
        subsystem: 'console',
        component: c,
        after: 'alarm.dispatched',
        required: true,
      });
      expect(consoleText.includes(`Displayed alarm ${a.alarm_id} `)).toBe(false);
      expect(isoUs(a.stuck_from!)).toBe(raisedUs(a) + 60 * S);
      expect(isoUs(a.lost_from!)).toBe(raisedUs(a) + 300 * S);
      const expected =
        endUs >= isoUs(a.lost_from!) ? 'lost' : endUs >= isoUs(a.stuck_from!) ? 'stuck' : 'in_flight';
      expect(a.outcome).toBe(expected);
    }
    expect(dropped.filter((a) => a.outcome === 'lost').length).toBeGreaterThan(500);
    expect(Number(st.facts.alarms_not_displayed)).toBeGreaterThanOrEqual(dropped.length);
    expect(Number(st.facts.alarms_not_displayed)).toBeLessThan(dropped.length + 20);
    // Nothing displayed or acknowledged there during the stall; the other console carries on.
    const onConsole = (step: string, comp: string) =>
      alarms.flatMap((a) =>
        a.steps.filter(
          (s) => s.step === step && s.component === comp && within(trueUs(s), st.fromUs, st.toUs),
        ),
      );
    expect(onConsole('console.displayed', c)).toEqual([]);
    expect(onConsole('console.acknowledged', c)).toEqual([]);
    expect(onConsole('console.displayed', 'op-console-2').length).toBeGreaterThan(500);
    const beats = heartbeats.filter((h) => h.component === c && within(trueUs(h), st.fromUs, st.toUs));
    expect(beats.length).toBeGreaterThanOrEqual(29); // every 20 s for 10 min
    expect(intervalsOf(c)).toContainEqual(
      expect.objectContaining({
        state: 'degraded',
        from: st.from,
        to: st.to,
        reason: 'not displaying alarms',
      }),
    );
  });

  it('clock-skew: the skewed sensor writes every time exactly 2.5 s ahead, everyone else on time', () => {
    const skewed = String(scenario('clock-skew').params.component);
    const records = [...alarms.flatMap((a) => a.steps), ...heartbeats];
    const wrong: string[] = [];
    let checked = 0;
    for (const r of records) {
      const t = trueUs(r);
      const exact = r.subsystem === 'alarm-server' ? t : Math.floor(t / 1000) * 1000;
      const skew = r.component === skewed ? 2_500_000 : 0;
      if (isoUs(r.ts) - exact !== skew) wrong.push(`${r.component} ${r.ts} ${r.true_ts}`);
      if (r.component === skewed) checked++;
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(1000);
  });

  it('rotation-burst: every log rotated in the middle of the burst, with burst lines on both sides', () => {
    const burst = scenario('rotation-burst');
    const rotatedUs = isoUs(String(burst.facts.rotated_at));
    expect(rotatedUs).toBe((burst.fromUs + burst.toUs) / 2);
    expect(burst.facts.files_rotated).toBe(13);
    // The alarm server logs microseconds: its files split exactly at the rotation.
    const tsOf = (line: string) => isoUs(/^<\d+>1 (\S+)/.exec(line)![1]!);
    for (const node of ['as-1', 'as-2']) {
      const files = [...tree.keys()]
        .filter((k) => k.startsWith(`alarm-server/${node}.log`))
        .sort((a, b) => age(b) - age(a))
        .map((f) => tree.get(f)!.split('\n').slice(0, -1));
      const split = files.findIndex(
        (lines, i) =>
          i > 0 &&
          lines.length > 0 &&
          tsOf(lines[0]!) >= rotatedUs &&
          tsOf(files[i - 1]!.at(-1)!) < rotatedUs,
      );
      expect(split, node).toBeGreaterThan(0);
    }
    const raisedAt = alarms.flatMap((a) => a.steps.filter((s) => s.step === 'alarm.raised').map(trueUs));
    expect(raisedAt.filter((t) => within(t, burst.fromUs, rotatedUs)).length).toBeGreaterThan(200);
    expect(raisedAt.filter((t) => within(t, rotatedUs, burst.toUs)).length).toBeGreaterThan(200);
  });

  it('corrupt: about half the records garbled in the window, very few outside', () => {
    const co = scenario('corrupt');
    const records = [...alarms.flatMap((a) => a.steps.filter((s) => !s.unlogged)), ...heartbeats];
    const share = (rs: typeof records) => rs.filter((r) => r.corrupt).length / rs.length;
    const inside = records.filter((r) => within(trueUs(r), co.fromUs, co.toUs));
    expect(inside.length).toBeGreaterThan(300);
    expect(share(inside)).toBeGreaterThan(0.42);
    expect(share(inside)).toBeLessThan(0.58);
    expect(share(records.filter((r) => !within(trueUs(r), co.fromUs, co.toUs)))).toBeLessThan(0.005);
    expect(Number(co.facts.garbled_records)).toBeGreaterThan(150);
  });

  it('silent: no line at all from the component in the window, and the truth has it stale', () => {
    const si = scenario('silent');
    const c = String(si.params.component);
    // Sensor lines carry Berlin local time (winter: UTC+1).
    const lineTimes = subsystemLines(tree, 'sensors')
      .filter((l) => l.split(';')[1] === c && !l.includes('\uFFFD'))
      .map((l) => Date.parse(`${l.slice(0, 23).replace(' ', 'T')}+01:00`) * 1000);
    expect(lineTimes.filter((t) => within(t, si.fromUs, si.toUs))).toEqual([]);
    expect(lineTimes.filter((t) => within(t, si.fromUs - 60 * S, si.fromUs)).length).toBeGreaterThan(5);
    // Its steps went on (its alarms still travel), unlogged; nothing outside the window is.
    const steps = alarms.flatMap((a) => a.steps.filter((s) => s.component === c));
    const inWindow = steps.filter((s) => within(trueUs(s), si.fromUs, si.toUs));
    expect(inWindow.length).toBeGreaterThan(50);
    expect(inWindow.every((s) => s.unlogged)).toBe(true);
    expect(steps.filter((s) => s.unlogged).length).toBe(inWindow.length);
    expect(
      alarms.filter(
        (a) => a.sensor === c && within(raisedUs(a), si.fromUs, si.toUs) && stepOf(a, 'alarm.raised'),
      ).length,
    ).toBeGreaterThan(30);
    // Stale from its last heartbeat + 2.5 periods to its first heartbeat after the silence.
    const beats = heartbeats.filter((h) => h.component === c && !h.corrupt).map(trueUs);
    const last = Math.max(...beats.filter((t) => t < si.fromUs));
    const next = Math.min(...beats.filter((t) => t >= si.toUs));
    expect(beats.filter((t) => within(t, si.fromUs, si.toUs))).toEqual([]);
    const stale = intervalsOf(c).filter(
      (h) => h.state === 'stale' && isoUs(h.from) < si.toUs && isoUs(h.to) > si.fromUs,
    );
    expect(stale.map((h) => [isoUs(h.from), isoUs(h.to)])).toEqual([
      [last + STALE_AFTER_S.sensors * S, next],
    ]);
  });
});

describe('the truth is complete and consistent', () => {
  const RANK = { ok: 0, stale: 1, degraded: 2, failed: 3 } as const;

  it('cuts every component and subsystem into back-to-back intervals from start to end', () => {
    const targets = SUBSYSTEMS.flatMap((s) => [
      ...COMPONENTS[s].map((c) => [s, c] as const),
      [s, null] as const,
    ]);
    for (const [s, c] of targets) {
      const list = intervalsOf(c, s);
      expect(list[0]!.from, `${s}/${c}`).toBe(run.start);
      expect(list.at(-1)!.to).toBe(run.end);
      for (let i = 1; i < list.length; i++) {
        expect(list[i]!.from).toBe(list[i - 1]!.to);
        expect([list[i]!.state, list[i]!.reason]).not.toEqual([list[i - 1]!.state, list[i - 1]!.reason]);
      }
    }
    expect(health.length).toBe(health.filter((h) => isoUs(h.to) > isoUs(h.from)).length);
  });

  it('derives each component’s health from its heartbeats, outages and the stalled console', () => {
    const startUs = isoUs(run.start);
    const endUs = isoUs(run.end);
    const st = scenario('console-stall');
    for (const s of SUBSYSTEMS) {
      for (const c of COMPONENTS[s]) {
        const conds: [keyof typeof RANK, number, number][] = [];
        const after = run.stale_after_s[s]! * S;
        const beats = [
          startUs,
          ...heartbeats.filter((h) => h.component === c && !h.corrupt).map(trueUs),
          endUs,
        ];
        for (let i = 1; i < beats.length; i++)
          if (beats[i]! - beats[i - 1]! > after) conds.push(['stale', beats[i - 1]! + after, beats[i]!]);
        for (const o of truth)
          if (o.kind === 'outage' && o.component === c)
            conds.push(['failed', isoUs(o.from), o.to ? isoUs(o.to) : endUs]);
        if (c === st.params.component) conds.push(['degraded', st.fromUs, st.toUs]);
        const stateAt = (t: number) =>
          conds
            .filter(([, f, to]) => f <= t && t < to)
            .reduce<keyof typeof RANK>((m, [x]) => (RANK[x] > RANK[m] ? x : m), 'ok');
        for (const h of intervalsOf(c, s)) {
          expect(stateAt(isoUs(h.from)), `${c} ${h.from}`).toBe(h.state);
          expect(stateAt(isoUs(h.to) - 1), `${c} ${h.to}`).toBe(h.state);
        }
      }
    }
  });

  it('rolls subsystems up: a failed member degrades an HA pair, no active node fails it', () => {
    for (const s of SUBSYSTEMS) {
      const members = COMPONENTS[s];
      const noActive = truth.flatMap((o) =>
        o.kind === 'outage' && o.subsystem === s
          ? [[isoUs(o.from), isoUs(o.takeover_at ?? run.end)] as const]
          : [],
      );
      const stateAt = (t: number): keyof typeof RANK => {
        const states = members.map(
          (c) => intervalsOf(c, s).find((h) => isoUs(h.from) <= t && t < isoUs(h.to))!.state,
        );
        const failed = states.filter((x) => x === 'failed').length;
        let worst: keyof typeof RANK = failed === 0 ? 'ok' : failed === states.length ? 'failed' : 'degraded';
        for (const x of states) if (x !== 'failed' && RANK[x] > RANK[worst]) worst = x;
        if (noActive.some(([f, to]) => f <= t && t < to)) worst = 'failed';
        return worst;
      };
      for (const h of intervalsOf(null, s)) {
        expect(stateAt(isoUs(h.from)), `${s} ${h.from}`).toBe(h.state);
        expect(stateAt(isoUs(h.to) - 1), `${s} ${h.to}`).toBe(h.state);
      }
    }
    expect(Object.keys(HA_PAIRS)).toEqual(['gateway', 'alarm-server']);
  });

  it('counts every hop of every alarm on exactly one run of its edge', () => {
    const hops: [string, string, string][] = [
      ['sensor.alarm', 'gateway.forwarded', ''],
      ['gateway.forwarded', 'alarm.raised', ''],
      ['alarm.dispatched', 'video.bookmark', ''],
      ['alarm.dispatched', 'console.displayed', ''],
      ['console.acknowledged', 'alarm.acknowledged', ''],
    ];
    const runsOf = new Map<string, EdgeTruth[]>();
    for (const e of edges) {
      const k = `${e.from_component}>${e.to_component}>${e.to_step}`;
      runsOf.set(k, [...(runsOf.get(k) ?? []), e]);
      expect(e.from_subsystem).toBe(subsystemOf(e.from_component));
      expect(e.to_subsystem).toBe(subsystemOf(e.to_component));
      expect(isoUs(e.last)).toBeGreaterThanOrEqual(isoUs(e.first));
    }
    let total = 0;
    const outside: string[] = [];
    for (const [fromStep, toStep] of hops) {
      for (const a of alarms) {
        const from = a.steps.filter((x) => x.step === fromStep).at(-1);
        const to = stepOf(a, toStep);
        if (!from || !to) continue;
        total++;
        const t = trueUs(to);
        const runs = runsOf.get(`${from.component}>${to.component}>${toStep}`) ?? [];
        if (runs.filter((r) => isoUs(r.first) <= t && t <= isoUs(r.last)).length !== 1)
          outside.push(`${a.evt} ${toStep}`);
      }
    }
    expect(outside).toEqual([]);
    expect(edges.reduce((n, e) => n + e.count, 0)).toBe(total);
    // Runs of one sender to both nodes of a pair never overlap: traffic is on one of them at a time.
    for (const e of edges) {
      const peer = haPeerOf(e.to_component);
      if (!peer) continue;
      for (const p of runsOf.get(`${e.from_component}>${peer}>${e.to_step}`) ?? [])
        expect(
          isoUs(p.last) < isoUs(e.first) || isoUs(p.first) > isoUs(e.last),
          `${e.from_component} ${e.first}`,
        ).toBe(true);
    }
  });

  it('gives every alarm an outcome that follows from its steps', () => {
    const endUs = isoUs(run.end);
    expect(new Set(alarms.map((a) => a.evt)).size).toBe(alarms.length);
    const outcomes = new Set<string>();
    for (const a of alarms) {
      const names = new Set(a.steps.map((x) => x.step));
      const handled = REQUIRED_STEPS.every((r) => names.has(r));
      const t0 = raisedUs(a);
      outcomes.add(a.outcome);
      expect(a.steps[0]!.step).toBe('sensor.alarm');
      for (const m of a.missing) expect(names.has(m.step), `${a.evt} ${m.step}`).toBe(false);
      if (a.lost_at !== null) expect(a.missing.length).toBeGreaterThan(0);
      if (handled) {
        expect(a.outcome).toBe('complete');
        const last = Math.max(...REQUIRED_STEPS.map((r) => trueUs(stepOf(a, r)!)));
        expect(a.e2e_us).toBe(last - t0);
        expect([a.stuck_from, a.lost_from]).toEqual([null, null]);
      } else {
        const stuck = t0 + run.deadline_s * S;
        const lost = t0 + run.horizon_s * S;
        expect([isoUs(a.stuck_from!), isoUs(a.lost_from!), a.e2e_us]).toEqual([stuck, lost, null]);
        expect(a.outcome).toBe(endUs >= lost ? 'lost' : endUs >= stuck ? 'stuck' : 'in_flight');
        // Not handled and not in flight any more: something is missing for good.
        if (a.outcome !== 'in_flight')
          expect(
            a.missing.some((m) => m.required),
            a.evt,
          ).toBe(true);
      }
    }
    expect(outcomes).toEqual(new Set(['complete', 'lost', 'stuck', 'in_flight']));
  });
});

const age = (f: string): number => Number(/\.log\.(\d+)$/.exec(f)?.[1] ?? 0);
