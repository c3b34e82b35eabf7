// The simulator and the demo pipelines (config/demo) agree: every record written becomes an event
// except the deliberately garbled ones, which become dead letters; and every step and heartbeat
// of the ground truth is found as an event of the same type, component, time and ids (the time as
// written: a skewed clock's error included). Once for the baseline, once with every scenario.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.ts';
import type { MortarEvent } from '../events/event.ts';
import { usToIso } from '../events/time.ts';
import { buildPipelines } from '../pipeline/build.ts';
import { frameText } from '../pipeline/frame-text.ts';
import { isDeadLetter, isFiltered } from '../pipeline/processor.ts';
import type { Manifest } from './output.ts';
import { type SimulateOptions, simulate } from './simulate.ts';
import { readJsonLines, readTree, tempDir } from './test-helpers.ts';
import type { TruthRecord } from './truth.ts';

const CONFIG = fileURLToPath(new URL('../../config/demo/mortar.yaml', import.meta.url));
const pipelines = buildPipelines(loadConfig(CONFIG));

/** What identifies an alarm step's event: its type, component, time and the id it carries. */
const stepKey = (type: string, component: string, ts: string, id: string): string =>
  `${type}|${component}|${ts}|${id}`;
const idOf = (
  type: string,
  keys: { evt?: string | null; alarm_ref?: string | null; alarm_id?: string | null },
): string =>
  (type.startsWith('sensor.') ? keys.evt : type === 'gateway.forwarded' ? keys.alarm_ref : keys.alarm_id) ??
  '';

function describeRun(title: string, options: Omit<SimulateOptions, 'outDir'>, minSteps: number): void {
  describe(title, () => {
    const { dir, cleanup } = tempDir();
    afterAll(cleanup);
    const events: MortarEvent[] = [];
    const dead: string[] = [];
    let manifest: Manifest;
    let truth: TruthRecord[];

    beforeAll(async () => {
      await simulate({ outDir: dir, ...options });
      manifest = JSON.parse(readFileSync(`${dir}/manifest.json`, 'utf8')) as Manifest;
      const tree = readTree(dir);
      truth = readJsonLines<TruthRecord>(tree.get('truth.jsonl')!);
      for (const p of pipelines) {
        for (const [path, text] of tree) {
          if (!path.startsWith(`${p.config.subsystem}/`)) continue;
          for (const f of frameText(text, p.config.framing)) {
            const where = { file: path, fileId: path, offset: f.offset, endOffset: f.endOffset };
            if (f.kind === 'rejected') {
              dead.push(f.raw);
              continue;
            }
            const out = p.processor.process({ ...where, text: f.text }, 0);
            if (isDeadLetter(out)) dead.push(f.text);
            else if (!isFiltered(out)) events.push(out);
          }
        }
      }
    });

    it('turns every record into an event, except the garbled ones', () => {
      expect(dead.every((d) => d.includes('\uFFFD'))).toBe(true);
      expect(dead.length).toBe(manifest.run.corrupt);
      expect(events.length + dead.length).toBe(manifest.run.records);
    });

    it('finds every alarm step of the truth with its ids, and no step the truth does not know', () => {
      const got = new Map<string, MortarEvent[]>();
      for (const e of events) {
        if (e.kind !== 'alert') continue;
        const k = stepKey(e.type, e.component, usToIso(e.ts), idOf(e.type, e.keys));
        const list = got.get(k);
        if (list) list.push(e);
        else got.set(k, [e]);
      }
      const missing: string[] = [];
      const wrongIds: string[] = [];
      let expected = 0;
      for (const t of truth) {
        if (t.kind !== 'alarm') continue;
        for (const s of t.steps) {
          if (s.corrupt || s.unlogged) continue;
          expected++;
          const k = stepKey(s.step, s.component, s.ts, idOf(s.step, s.ids));
          const e = got.get(k)?.pop();
          if (!e) missing.push(k);
          else for (const [id, v] of Object.entries(s.ids)) if (e.keys[id] !== v) wrongIds.push(`${k} ${id}`);
        }
        // The ids a step names are the alarm's.
        for (const s of t.steps) expect(idOf(s.step, s.ids)).toBe(idOf(s.step, t));
      }
      expect(missing).toEqual([]);
      expect(wrongIds).toEqual([]);
      expect([...got.values()].reduce((a, l) => a + l.length, 0)).toBe(0);
      expect(expected).toBeGreaterThan(minSteps);
    });

    it('bridges the ids: gateway events carry evt and alarm_ref, alarm events alarm_ref and alarm_id', () => {
      const forwarded = events.filter((e) => e.type === 'gateway.forwarded');
      expect(
        forwarded.every((e) => e.keys.evt && e.keys.alarm_ref === `${e.attrs.sensor}/${e.keys.evt}`),
      ).toBe(true);
      const raised = events.filter((e) => e.type === 'alarm.raised');
      expect(raised.every((e) => /^A-\d{6}$/.test(e.keys.alarm_id ?? '') && e.keys.alarm_ref)).toBe(true);
      const sensorAlarms = events.filter((e) => e.type === 'sensor.alarm');
      expect(sensorAlarms.every((e) => e.keys.alarm_ref === `${e.component}/${e.keys.evt}`)).toBe(true);
    });

    it('finds every heartbeat of the truth', () => {
      const got = new Set(
        events.filter((e) => e.type === 'heartbeat').map((e) => `${e.component}|${usToIso(e.ts)}`),
      );
      const want = truth.flatMap((t) =>
        t.kind === 'heartbeat' && !t.corrupt ? [`${t.component}|${t.ts}`] : [],
      );
      expect(want.filter((w) => !got.has(w))).toEqual([]);
      expect(got.size).toBe(want.length);
    });

    it('keeps stack traces in one event', () => {
      const traces = events.filter((e) => e.subsystem === 'console' && typeof e.attrs.stack === 'string');
      expect(traces.length).toBeGreaterThan(0);
      for (const t of traces) {
        expect(t.severity).toBe('error');
        expect(String(t.attrs.stack)).toMatch(/^[\w.$]+(Exception|Error)\b.*\n\tat /);
        expect(String(t.attrs.stack)).toContain(String(t.attrs.exception));
      }
    });
  });
}

describeRun(
  'simulator output through the demo pipelines',
  { seed: 5, durationMs: 45 * 60_000, ratePerSecond: 3, corruptRate: 0.003, failoverMeanMs: 10 * 60_000 },
  10_000,
);

describeRun(
  'simulator output through the demo pipelines, every scenario at once',
  {
    seed: 6,
    durationMs: 40 * 60_000,
    ratePerSecond: 2,
    failoverMeanMs: 15 * 60_000,
    scenarios: 'failover,storm,console-stall,clock-skew,rotation-burst,corrupt,silent',
    rotateBytes: 256 * 1024,
    keepRotated: 1000,
  },
  10_000,
);
