// Health scored against the simulator's ground truth: batch-simulated logs (a fault run with a
// gateway failover, a stalled console and a silent sensor controller, and a baseline run with
// random HA failovers) go through the real pipelines into a real DuckDB file; health processing
// must then agree with the truth's `health` intervals at least 99.9% of the time, per component
// and per subsystem. Availability must add up from the transitions, `at` must agree with the
// history, reprocessing must change nothing, and the live runner (emulated second by second in
// event time) must end with the same tables as one batch pass.
//
// Scoring is on the stored history, the view with hindsight: a failover is only visible when the
// peer takes over (3 s later; it reports silent_ms, so the failure is backdated), a console stall
// when its watchdog speaks (30 s in; it reports how long it has been blocked). The live edge is
// scored separately: it may lag a truth boundary by at most the known detection delay.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveTotals } from '../src/api/live.ts';
import { createApp } from '../src/api/server.ts';
import type { AvailabilityResponse, StatesHistoryResponse, StatesResponse } from '../src/api/types.ts';
import { type Config, loadConfig } from '../src/config/load.ts';
import { usToIso } from '../src/events/time.ts';
import { waitUntilIdle } from '../src/pipeline/idle.ts';
import { startIngest } from '../src/pipeline/ingest.ts';
import { defineHealth, type HealthDef } from '../src/process/health/definition.ts';
import { ensureHealthTables, eventSpanUs, processHealth } from '../src/process/health/health-processor.ts';
import { history, type StateRow, statesAt } from '../src/process/health/health-queries.ts';
import { type SimulateOptions, simulate } from '../src/sim/simulate.ts';
import { openWarehouse } from '../src/warehouse/open.ts';
import { sql } from '../src/warehouse/sql.ts';
import type { Warehouse } from '../src/warehouse/warehouse.ts';

interface TruthHealth {
  subsystem: string;
  component: string | null;
  state: string;
  from: string;
  to: string;
}

const CONFIG = fileURLToPath(new URL('../config/demo/mortar.yaml', import.meta.url));
const START = Date.parse('2026-01-01T00:00:00Z') * 1000;
const DURATION_MS = 30 * 60_000;
/** The longest a fault stays invisible at the live edge: the console watchdog's 30 s, plus min_duration. */
const DETECTION_US = 31e6;

const isoUs = (iso: string) => {
  const m = /^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d+))?Z$/.exec(iso)!;
  return Date.parse(`${m[1]}Z`) * 1000 + Number((m[2] ?? '').padEnd(6, '0').slice(0, 6));
};
const entity = (subsystem: string, component: string | null) => `${subsystem}|${component ?? ''}`;
const pct = (x: number) => `${(x * 100).toFixed(4)}%`;

interface Run {
  name: string;
  config: Config;
  warehouse: Warehouse;
  def: HealthDef;
  truth: TruthHealth[];
  span: { firstUs: number; lastUs: number };
  processMs: number;
}

async function prepare(name: string, seed: number, extra: Partial<SimulateOptions>): Promise<Run> {
  const data = mkdtempSync(join(tmpdir(), 'mortar-health-'));
  await simulate({
    outDir: join(data, 'sim'),
    seed,
    durationMs: DURATION_MS,
    ratePerSecond: 2,
    start: new Date(START / 1000),
    ...extra,
  });
  const truth = readFileSync(join(data, 'sim', 'truth.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.includes('"kind":"health"'))
    .map((l) => JSON.parse(l) as TruthHealth);
  const config = loadConfig(CONFIG, { dataDir: data });
  const def = defineHealth(config)!;
  const warehouse = await openWarehouse({ type: 'duckdb', path: join(data, 'mortar.duckdb') });
  const ingest = await startIngest(config, warehouse);
  await waitUntilIdle(ingest);
  await ingest.stop();
  await ensureHealthTables(warehouse);
  const span = (await eventSpanUs(warehouse))!;
  const started = performance.now();
  await processHealth(warehouse, def, { fromUs: span.firstUs, toUs: span.lastUs + 1, nowUs: span.lastUs });
  const processMs = performance.now() - started;
  return { name, warehouse, def, truth, span, processMs, config };
}

/** Per truth entity: time where the engine's stored state equals the truth's, and the truth's total. */
function agreement(truth: TruthHealth[], rows: StateRow[]): Map<string, { equal: number; total: number }> {
  const lines = new Map<string, StateRow[]>();
  for (const r of rows) {
    if (r.level === 'system') continue;
    const k = entity(r.subsystem, r.component || null);
    lines.set(k, [...(lines.get(k) ?? []), r]);
  }
  const out = new Map<string, { equal: number; total: number }>();
  for (const h of truth) {
    const k = entity(h.subsystem, h.component);
    const [from, to] = [isoUs(h.from), isoUs(h.to)];
    let equal = 0;
    for (const s of lines.get(k) ?? []) {
      const a = Math.max(from, s.fromUs!);
      const b = Math.min(to, s.toUs!);
      if (b > a && s.state === h.state) equal += b - a;
    }
    const acc = out.get(k) ?? { equal: 0, total: 0 };
    acc.equal += equal;
    acc.total += to - from;
    out.set(k, acc);
  }
  return out;
}

const snapshot = async (w: Warehouse) =>
  JSON.stringify([
    await w.query(sql`select * from health_transitions order by level, subsystem, component, from_us`),
    await w.query(sql`select * from health_conditions order by scope, subsystem, component, rule, from_us`),
  ]);

const RUNS = [
  { name: 'failover,console-stall,silent', seed: 7, extra: { scenarios: 'failover,console-stall,silent' } },
  // Random HA failures every 10 min on average (both pairs), corrupt lines at the default rate.
  { name: 'baseline', seed: 11, extra: { failoverMeanMs: 10 * 60_000 } },
];

describe.each(RUNS)('health against the ground truth: $name', ({ name, seed, extra }) => {
  let run: Run;

  beforeAll(async () => {
    run = await prepare(name, seed, extra);
  }, 240_000);

  afterAll(async () => {
    await run?.warehouse.close();
  });

  it('agrees with the truth at least 99.9% of the time, per component and per subsystem', async () => {
    const rows = await history(run.warehouse, 0, Number.MAX_SAFE_INTEGER);
    const score = agreement(run.truth, rows);
    const total = { component: [0, 0], subsystem: [0, 0] };
    const lines: string[] = [];
    for (const [k, s] of score) {
      const t = k.endsWith('|') ? total.subsystem : total.component;
      t[0]! += s.equal;
      t[1]! += s.total;
      lines.push(`  ${k.padEnd(26)} ${pct(s.equal / s.total)}`);
    }
    const faults = rows.filter((r) => r.state !== 'ok' && r.level !== 'system').length;
    console.log(
      `[health ${name}] processed 30 min in ${run.processMs.toFixed(0)} ms; ${faults} non-ok intervals; ` +
        `components ${pct(total.component[0]! / total.component[1]!)}, subsystems ${pct(total.subsystem[0]! / total.subsystem[1]!)}\n${lines.join('\n')}`,
    );
    expect(score.size).toBe(18);
    for (const [k, s] of score) expect(s.equal / s.total, k).toBeGreaterThanOrEqual(0.999);
    // Something happened worth detecting (the baseline's random failovers included).
    expect(run.truth.filter((h) => h.state !== 'ok').length).toBeGreaterThan(1);
  });

  it('availability adds up from the transitions and matches the truth within 0.1%', async () => {
    const [from, to] = [START, START + DURATION_MS * 1000];
    const app = createApp({
      config: run.config,
      warehouse: run.warehouse,
      live: await LiveTotals.seed(run.warehouse),
      health: run.def,
      version: 'test',
    });
    const res = await app.request(`/api/availability?from=${usToIso(from)}&to=${usToIso(to)}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as AvailabilityResponse;
    const rows = await history(run.warehouse, from, to);
    const trueOk = new Map<string, number>();
    for (const h of run.truth)
      if (h.state === 'ok') {
        const k = entity(h.subsystem, h.component);
        trueOk.set(k, (trueOk.get(k) ?? 0) + isoUs(h.to) - isoUs(h.from));
      }
    for (const a of body.rows) {
      const mine = rows.filter(
        (r) =>
          r.level === a.level && r.subsystem === (a.subsystem ?? '') && r.component === (a.component ?? ''),
      );
      const sum = (state: string) =>
        mine
          .filter((r) => r.state === state)
          .reduce((x, r) => x + Math.min(r.toUs!, to) - Math.max(r.fromUs!, from), 0) / 1000;
      for (const state of ['ok', 'degraded', 'failed', 'stale'] as const)
        expect(a.durationsMs[state], `${a.name} ${state}`).toBeCloseTo(sum(state), 3);
      const all = Object.values(a.durationsMs).reduce((x, y) => x + y, 0);
      expect(all).toBeCloseTo((to - from) / 1000, 3);
      const known = all - a.durationsMs.unknown;
      expect(a.availability).toBeCloseTo((a.durationsMs.ok / known) * 100, 3);
      // The no-data time is the moment before the first event, nothing else.
      expect(a.durationsMs.unknown).toBeLessThan(2000);
      if (a.level !== 'system') {
        const t = trueOk.get(entity(a.subsystem!, a.component ?? null)) ?? 0;
        expect(Math.abs(a.durationsMs.ok * 1000 - t) / (to - from), a.name).toBeLessThan(0.001);
      }
    }
  });

  it('states at a moment (GET /api/states?at=) agree with the history', async () => {
    const app = createApp({
      config: run.config,
      warehouse: run.warehouse,
      live: await LiveTotals.seed(run.warehouse),
      health: run.def,
      version: 'test',
    });
    const rows = await history(run.warehouse, 0, Number.MAX_SAFE_INTEGER);
    const changes = rows.filter((r) => r.state !== 'ok').flatMap((r) => [r.fromUs!, r.toUs! - 1, r.toUs!]);
    const moments = [...changes, ...Array.from({ length: 40 }, (_, i) => run.span.firstUs + i * 44_987_001)];
    for (const at of moments) {
      const res = await app.request(`/api/states?at=${usToIso(at)}`);
      const body = (await res.json()) as StatesResponse;
      const all = [body.system!, ...body.subsystems, ...body.components];
      expect(all.length).toBe(1 + 5 + 13);
      for (const s of all) {
        const line = rows.filter(
          (r) =>
            r.level === s.level && r.subsystem === (s.subsystem ?? '') && r.component === (s.component ?? ''),
        );
        const hit = line.find((r) => r.fromUs! <= at && r.toUs! > at);
        expect(s.state, `${s.name} at ${usToIso(at)}`).toBe(hit?.state ?? 'unknown');
      }
    }
    const h = await app.request(
      `/api/states/history?from=${usToIso(START)}&to=${usToIso(START + 3600e6)}&subsystem=gateway&level=component`,
    );
    const hb = (await h.json()) as StatesHistoryResponse;
    expect(hb.transitions.every((t) => t.subsystem === 'gateway' && t.level === 'component')).toBe(true);
    expect(hb.transitions.length).toBe(
      rows.filter((r) => r.subsystem === 'gateway' && r.level === 'component').length,
    );
  });

  it('reprocessing a window (or everything in slices) changes nothing', async () => {
    const before = await snapshot(run.warehouse);
    const { firstUs, lastUs } = run.span;
    await processHealth(run.warehouse, run.def, {
      fromUs: START + 600e6,
      toUs: START + 1200e6,
      nowUs: lastUs,
    });
    expect(await snapshot(run.warehouse)).toBe(before);
    for (let a = firstUs; a <= lastUs; a += 420e6)
      await processHealth(run.warehouse, run.def, {
        fromUs: a,
        toUs: Math.min(a + 420e6, lastUs + 1),
        nowUs: lastUs,
      });
    expect(await snapshot(run.warehouse)).toBe(before);
  });

  it('slices shorter than an outage carry its open conditions over (lookback 80 s, slices of 40 s)', async () => {
    const { firstUs, lastUs } = run.span;
    const small: HealthDef = { ...run.def, lookbackUs: 80e6, hindsightUs: 80e6, flapping: undefined };
    await processHealth(run.warehouse, small, { fromUs: firstUs, toUs: lastUs + 1, nowUs: lastUs });
    const once = await snapshot(run.warehouse);
    await run.warehouse.execute([sql`delete from health_transitions`, sql`delete from health_conditions`]);
    for (let a = firstUs; a <= lastUs; a += 40e6)
      await processHealth(run.warehouse, small, {
        fromUs: a,
        toUs: Math.min(a + 40e6, lastUs + 1),
        nowUs: lastUs,
      });
    expect(await snapshot(run.warehouse)).toBe(once);
    await processHealth(run.warehouse, run.def, { fromUs: firstUs, toUs: lastUs + 1, nowUs: lastUs });
  });

  it('live, every 10 s of event time: the same tables at the end, the live edge right outside the detection delay', async () => {
    const before = await snapshot(run.warehouse);
    await run.warehouse.execute([sql`delete from health_transitions`, sql`delete from health_conditions`]);
    const { firstUs, lastUs } = run.span;
    const seen: { at: number; states: Map<string, string> }[] = [];
    let ms = 0;
    let runs = 0;
    for (let now = firstUs; ; now = Math.min(lastUs, now + 10e6)) {
      const t = performance.now();
      await processHealth(run.warehouse, run.def, {
        fromUs: Math.max(firstUs, now - run.def.hindsightUs),
        toUs: now + 1,
        nowUs: now,
      });
      ms += performance.now() - t;
      runs++;
      const states = await statesAt(run.warehouse, run.def, now);
      seen.push({
        at: now,
        states: new Map(states.map((s) => [entity(s.subsystem, s.component || null), s.state])),
      });
      if (now === lastUs) break;
    }
    expect(await snapshot(run.warehouse)).toBe(before);
    let [right, total, rightOutside, totalOutside] = [0, 0, 0, 0];
    const boundaries = new Map<string, number[]>();
    for (const h of run.truth) {
      const k = entity(h.subsystem, h.component);
      boundaries.set(k, [...(boundaries.get(k) ?? []), isoUs(h.from)]);
    }
    for (const { at, states } of seen)
      for (const h of run.truth) {
        if (at < isoUs(h.from) || at >= isoUs(h.to)) continue;
        const k = entity(h.subsystem, h.component);
        const ok = states.get(k) === h.state;
        total++;
        right += ok ? 1 : 0;
        const settled = !(boundaries.get(k) ?? []).some((b) => b > START && at >= b && at < b + DETECTION_US);
        if (settled) {
          totalOutside++;
          rightOutside += ok ? 1 : 0;
        }
      }
    console.log(
      `[health ${name}] live: ${runs} runs, ${(ms / runs).toFixed(0)} ms each; live edge right ${pct(right / total)} of samples, ` +
        `${pct(rightOutside / totalOutside)} outside ${DETECTION_US / 1e6} s after a true change`,
    );
    expect(rightOutside / totalOutside).toBeGreaterThanOrEqual(0.999);
  }, 300_000);
});
