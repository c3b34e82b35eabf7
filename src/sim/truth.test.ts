// The ground truth agrees with the logs: every id the truth names is in the right log lines, no
// log invents an id the truth does not know, losses are where the truth says, and every hop's
// latency stays within the simulator's jitter.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulateSummary, simulate } from './simulate.ts';
import { readJsonLines, readTree, subsystemLines, tempDir } from './test-helpers.ts';
import type { AlarmTruth, HeartbeatTruth, TruthRecord } from './truth.ts';

let tree: Map<string, string>;
let summary: SimulateSummary;
let alarms: AlarmTruth[];
let heartbeats: HeartbeatTruth[];
const { dir, cleanup } = tempDir();
afterAll(cleanup);

beforeAll(async () => {
  summary = await simulate({
    outDir: dir,
    seed: 11,
    durationMs: 30 * 60_000,
    ratePerSecond: 4,
    lossRate: 0.05,
    failoverMeanMs: 0,
  });
  tree = readTree(dir);
  const truth = readJsonLines<TruthRecord>(tree.get('truth.jsonl')!);
  alarms = truth.filter((t): t is AlarmTruth => t.kind === 'alarm');
  heartbeats = truth.filter((t): t is HeartbeatTruth => t.kind === 'heartbeat');
});

// Garbled lines (U+FFFD) may keep an id in their tail; they stand for lost log lines, not steps.
const intactLines = (subsystem: string): string[] =>
  subsystemLines(tree, subsystem).filter((l) => !l.includes('\uFFFD'));
const grab = (lines: string[], re: RegExp): string[] => lines.flatMap((l) => re.exec(l)?.slice(1, 2) ?? []);
const stepOf = (a: AlarmTruth, step: string) => a.steps.find((s) => s.step === step);
const ms = (iso: string): number => Date.parse(iso);

describe('truth.jsonl', () => {
  it('lists every alarm once, with unique ids that bridge sensor -> gateway -> alarm server', () => {
    expect(alarms.length).toBe(summary.alarms);
    expect(new Set(alarms.map((a) => a.evt)).size).toBe(alarms.length);
    const ids = alarms.flatMap((a) => (a.alarm_id ? [a.alarm_id] : []));
    expect(new Set(ids).size).toBe(ids.length);
    for (const a of alarms) expect(a.alarm_ref).toBe(`${a.sensor}/${a.evt}`);
  });

  it('names only ids that appear in the logs, and the logs name no others', () => {
    const sensorEvts = new Set(grab(intactLines('sensors'), /;ALARM;(\d+);/));
    const forwarded = new Set(
      grab(intactLines('gateway'), /"event":"alarm\.forwarded".*"alarm_ref":"([^"]+)"/),
    );
    const raised = new Map(
      intactLines('alarm-server').flatMap((l) => {
        const m = / ALARM \[alarm@32473 alarm_id="([^"]+)" alarm_ref="([^"]+)"/.exec(l);
        return m ? [[m[1]!, m[2]!] as const] : [];
      }),
    );
    const bookmarked = new Set(grab(intactLines('video'), /msg="bookmark created" alarm_id=(\S+)/));
    const displayed = new Set(grab(intactLines('console'), /\[AlarmView\] Displayed alarm (A-\d+)/));
    const acked = new Set(grab(intactLines('console'), /\[AckHandler\] Alarm (A-\d+) acknowledged/));

    const intact = (a: AlarmTruth, step: string): boolean => {
      const s = stepOf(a, step);
      return s !== undefined && !s.corrupt;
    };
    for (const a of alarms) {
      expect(sensorEvts.has(a.evt), `evt ${a.evt}`).toBe(intact(a, 'sensor.alarm'));
      expect(forwarded.has(a.alarm_ref), `ref ${a.alarm_ref}`).toBe(intact(a, 'gateway.forwarded'));
      if (a.alarm_id) {
        expect(raised.get(a.alarm_id) ?? null, a.alarm_id).toBe(
          intact(a, 'alarm.raised') ? a.alarm_ref : null,
        );
        expect(bookmarked.has(a.alarm_id)).toBe(intact(a, 'video.bookmark'));
        expect(displayed.has(a.alarm_id)).toBe(intact(a, 'console.displayed'));
        expect(acked.has(a.alarm_id)).toBe(intact(a, 'console.acknowledged'));
      }
    }
    const known = new Set(alarms.map((a) => a.alarm_id));
    for (const id of [...raised.keys(), ...bookmarked, ...displayed, ...acked])
      expect(known.has(id), id).toBe(true);
    const evts = new Set(alarms.map((a) => a.evt));
    for (const e of sensorEvts) expect(evts.has(e), e).toBe(true);
  });

  it('stops each lost alarm at the hop it names', () => {
    const lost = alarms.filter((a) => a.lost_at !== null);
    expect(lost.length).toBe(summary.lost);
    expect(new Set(lost.map((a) => a.lost_at))).toEqual(
      new Set(['gateway', 'alarm-server', 'video', 'console']),
    );
    for (const a of lost) {
      const steps = new Set(a.steps.map((s) => s.step));
      if (a.lost_at === 'gateway') expect(steps.has('gateway.forwarded')).toBe(false);
      if (a.lost_at === 'alarm-server')
        expect([steps.has('gateway.forwarded') || a.status === 'in_flight', a.alarm_id]).toEqual([
          true,
          null,
        ]);
      if (a.lost_at === 'video') expect(steps.has('video.bookmark')).toBe(false);
      if (a.lost_at === 'console')
        expect([steps.has('console.displayed'), steps.has('alarm.cleared')]).toEqual([false, false]);
      if (a.lost_at !== 'video') expect(a.status).toBe('lost');
    }
    for (const a of alarms.filter((x) => x.status === 'cleared'))
      expect(stepOf(a, 'alarm.cleared')).toBeDefined();
  });

  it('keeps every hop within its jitter', () => {
    const hops: [string, string, number, number][] = [
      ['sensor.alarm', 'gateway.forwarded', 4, 81],
      ['gateway.forwarded', 'alarm.raised', 19, 201],
      ['alarm.raised', 'alarm.dispatched', 0, 6],
      ['alarm.dispatched', 'video.bookmark', 99, 2001],
      ['alarm.dispatched', 'console.displayed', 99, 2001],
      ['console.displayed', 'console.acknowledged', 1999, 30_001],
      ['console.acknowledged', 'alarm.acknowledged', 9, 151],
      ['alarm.acknowledged', 'alarm.cleared', 4, 51],
    ];
    let checked = 0;
    const outside: string[] = [];
    for (const a of alarms) {
      for (const [from, to, min, max] of hops) {
        const f = stepOf(a, from);
        const t = stepOf(a, to);
        if (!f || !t) continue;
        const d = ms(t.ts) - ms(f.ts);
        if (d < min || d > max) outside.push(`${a.evt} ${from} -> ${to}: ${d} ms`);
        checked++;
      }
    }
    expect(outside).toEqual([]);
    expect(checked).toBeGreaterThan(alarms.length * 6);
  });

  it('records every heartbeat written, on each component’s rhythm', () => {
    expect(heartbeats.length).toBe(summary.heartbeats);
    const per = new Map<string, number>();
    for (const h of heartbeats) per.set(h.component, (per.get(h.component) ?? 0) + 1);
    expect(per.get('sc-01')).toBeGreaterThanOrEqual(119); // every 15 s for 30 min
    expect(per.get('gw-a')).toBeGreaterThanOrEqual(179); // every 10 s
    expect(per.get('vms-1')).toBeGreaterThanOrEqual(59); // every 30 s
    expect(per.size).toBe(13);
  });
});
