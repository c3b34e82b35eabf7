// The simulator and the demo pipelines (config/demo) agree: every record written becomes an event
// except the deliberately garbled ones, which become dead letters; and every step and heartbeat
// of the ground truth is found as an event of the same type, component, time and ids.
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
import { simulate } from './simulate.ts';
import { readJsonLines, readTree, tempDir } from './test-helpers.ts';
import type { TruthRecord } from './truth.ts';

const CONFIG = fileURLToPath(new URL('../../config/demo/mortar.yaml', import.meta.url));
const { dir, cleanup } = tempDir();
afterAll(cleanup);

const events: MortarEvent[] = [];
const dead: string[] = [];
let manifest: Manifest;
let truth: TruthRecord[];

beforeAll(async () => {
  await simulate({
    outDir: dir,
    seed: 5,
    durationMs: 45 * 60_000,
    ratePerSecond: 3,
    corruptRate: 0.003,
    failoverMeanMs: 10 * 60_000,
  });
  manifest = JSON.parse(readFileSync(`${dir}/manifest.json`, 'utf8')) as Manifest;
  const tree = readTree(dir);
  truth = readJsonLines<TruthRecord>(tree.get('truth.jsonl')!);
  for (const p of buildPipelines(loadConfig(CONFIG))) {
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

/** What identifies an alarm step's event: its type, component, time and the id it carries. */
const stepKey = (type: string, component: string, ts: string, id: string): string =>
  `${type}|${component}|${ts}|${id}`;
const idOf = (type: string, keys: Record<string, string | null | undefined>): string =>
  (type.startsWith('sensor.') ? keys.evt : type === 'gateway.forwarded' ? keys.alarm_ref : keys.alarm_id) ??
  '';

describe('simulator output through the demo pipelines', () => {
  it('turns every record into an event, except the garbled ones', () => {
    expect(dead.every((d) => d.includes('\uFFFD'))).toBe(true);
    expect(dead.length).toBe(manifest.run.corrupt);
    expect(events.length + dead.length).toBe(manifest.run.records);
  });

  it('finds every alarm step of the truth, and no step the truth does not know', () => {
    const got = new Map<string, number>();
    for (const e of events) {
      if (e.kind !== 'alert') continue;
      const k = stepKey(e.type, e.component, usToIso(e.ts), idOf(e.type, e.keys));
      got.set(k, (got.get(k) ?? 0) + 1);
    }
    const missing: string[] = [];
    let expected = 0;
    for (const t of truth) {
      if (t.kind !== 'alarm') continue;
      for (const s of t.steps) {
        if (s.corrupt) continue;
        expected++;
        const k = stepKey(
          s.step,
          s.component,
          s.ts,
          idOf(s.step, { evt: t.evt, alarm_ref: t.alarm_ref, alarm_id: t.alarm_id }),
        );
        if (!got.get(k)) missing.push(k);
        else got.set(k, got.get(k)! - 1);
      }
    }
    expect(missing).toEqual([]);
    expect([...got.values()].reduce((a, b) => a + b, 0)).toBe(0);
    expect(expected).toBeGreaterThan(10_000);
  });

  it('bridges the ids: gateway events carry evt and alarm_ref, alarm events alarm_ref and alarm_id', () => {
    const forwarded = events.filter((e) => e.type === 'gateway.forwarded');
    expect(forwarded.every((e) => e.keys.evt && e.keys.alarm_ref === `${e.attrs.sensor}/${e.keys.evt}`)).toBe(
      true,
    );
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
