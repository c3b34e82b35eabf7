// The report engine on a real DuckDB file filled by the real demo pipelines from a simulated
// world: every built-in report runs, and the numbers of the main ones agree with independent
// computations from the raw events and from the simulator's ground truth.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportRunResult } from '../../src/api/types.ts';
import { isUserError } from '../../src/events/errors.ts';
import type { MortarEvent } from '../../src/events/event.ts';
import { usToIso } from '../../src/events/time.ts';
import type { ReportDef } from '../../src/reports/definition.ts';
import { filterValues, queryWithin, runReport } from '../../src/reports/run.ts';
import { UNRESTRICTED } from '../../src/reports/secure.ts';
import { validateReportYaml } from '../../src/reports/validate.ts';
import { sql } from '../../src/warehouse/sql.ts';
import { DEMO_STEP_OF, isoUs } from '../support/simulated-warehouse.ts';
import { ALL_TIME, DURATION_MS, GARBLED, type ReportWorld, reportWorld, START_US } from './fixture.ts';

const RECENT = 'now-1d..now+1h';

let w: ReportWorld;

beforeAll(async () => {
  w = await reportWorld('mortar-reports-run-');
}, 240_000);

afterAll(async () => {
  await w?.sim.warehouse.close();
});

async function run(
  id: string,
  filters: Record<string, string[]> = {},
  extra: { limit?: number; sort?: string; dir?: string } = {},
) {
  const def = await w.catalog.get(id);
  return runReport(
    w.sim.warehouse,
    def,
    w.catalog.dataset(def),
    { filters: { time: [ALL_TIME], ...filters }, limit: 10_000, ...extra },
    UNRESTRICTED,
  );
}

const col = (r: ReportRunResult, name: string) => r.columns.findIndex((c) => c.name === name);

/** Every stored event, paged through the warehouse's own event query (not the report engine); read once. */
let eventsOnce: Promise<MortarEvent[]> | undefined;
function allEvents(): Promise<MortarEvent[]> {
  eventsOnce ??= (async () => {
    const out: MortarEvent[] = [];
    for (let offset = 0; ; offset += 5000) {
      const page = await w.sim.warehouse.events({ limit: 5000, offset });
      out.push(...page.rows);
      if (page.rows.length < 5000) return out;
    }
  })();
  return eventsOnce;
}

/** Interpolated quantile, as quantile_cont. */
function quantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  return s[lo]! + (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!) * (pos - lo);
}

describe('built-in reports', () => {
  it('every one runs, with cells typed as their columns say', async () => {
    const list = await w.catalog.list();
    expect(list.length).toBeGreaterThanOrEqual(10);
    for (const r of list) {
      const def = await w.catalog.get(r.id);
      const time = def.filters.find((f) => f.kind === 'time_range');
      const res = await runReport(
        w.sim.warehouse,
        def,
        w.catalog.dataset(def),
        // Dead letters carry their ingest time (now), everything else the simulated time.
        { filters: time ? { [time.id]: [def.dataset === 'dead_letters' ? RECENT : ALL_TIME] } : {} },
        UNRESTRICTED,
      );
      expect(res.rows.length, r.id).toBeGreaterThan(0);
      expect(res.total, r.id).toBeGreaterThanOrEqual(res.rows.length);
      for (const row of res.rows)
        res.columns.forEach((c, i) => {
          const v = row[i];
          if (v === null) return;
          if (c.type === 'number') expect(typeof v, `${r.id}.${c.name}`).toBe('number');
          else if (c.type === 'time')
            expect(v, `${r.id}.${c.name}`).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
          else expect(typeof v, `${r.id}.${c.name}`).toBe('string');
        });
    }
  });

  it('event volume per minute and subsystem equals a count over the raw events', async () => {
    const events = await allEvents();
    expect(events.length).toBeGreaterThan(5000);
    const expected = new Map<string, number>();
    for (const e of events) {
      const key = `${usToIso(Math.floor(e.ts / 60e6) * 60e6)}|${e.subsystem}`;
      expected.set(key, (expected.get(key) ?? 0) + 1);
    }
    const r = await run('event-volume-by-subsystem');
    const got = new Map(r.rows.map((row) => [`${row[0]}|${row[1]}`, row[2]]));
    expect(got).toEqual(expected);
    expect(r.total).toBe(expected.size);
    // Narrowed to one subsystem: only its rows, the same numbers.
    const gw = await run('event-volume-by-subsystem', { subsystem: ['gateway'] });
    expect(new Set(gw.rows.map((row) => row[1]))).toEqual(new Set(['gateway']));
    expect(gw.rows.reduce((a, row) => a + Number(row[2]), 0)).toBe(
      events.filter((e) => e.subsystem === 'gateway').length,
    );
  });

  it('event volume by type: counts, rate per minute and distinct components agree with the raw events', async () => {
    const events = await allEvents();
    const r = await run('event-volume-by-type');
    const [from, to] = ALL_TIME.split('..').map((t) => Date.parse(t));
    const minutes = (to! - from!) / 60_000;
    for (const row of r.rows) {
      const mine = events.filter((e) => e.subsystem === row[0] && e.type === row[1]);
      expect(row[col(r, 'events')]).toBe(mine.length);
      expect(row[col(r, 'events_per_minute')]).toBeCloseTo(mine.length / minutes, 9);
      expect(row[col(r, 'components')]).toBe(new Set(mine.map((e) => e.component)).size);
    }
    expect(r.rows.reduce((a, row) => a + Number(row[col(r, 'events')]), 0)).toBe(events.length);
  });

  it('dead letters by pipeline: exactly the garbled lines appended to each pipeline', async () => {
    const r = await run('dead-letters-by-pipeline', { time: [RECENT] });
    const sums = new Map<string, number>();
    for (const row of r.rows)
      sums.set(String(row[0]), (sums.get(String(row[0])) ?? 0) + Number(row[col(r, 'dead_letters')]));
    const expected = new Map<string, number>();
    for (const [file, n] of Object.entries(GARBLED)) {
      const subsystem = file.split('/')[0];
      const [pipeline] = Object.entries(w.sim.config.pipelines).find(([, p]) => p.subsystem === subsystem)!;
      expected.set(pipeline, (expected.get(pipeline) ?? 0) + n);
    }
    expect(sums).toEqual(expected);
    for (const [pipeline, n] of sums)
      expect(n, pipeline).toBe((await w.sim.warehouse.deadLetters({ pipeline, limit: 1, offset: 0 })).total);
    expect([...sums.values()].reduce((a, b) => a + b, 0)).toBe((await w.sim.warehouse.counts()).deadLetters);
  });

  it('alert latency by hop equals the latencies in the ground truth (count, p50, p95, max)', async () => {
    const [flow] = w.flows;
    const truth = w.sim.truth<{ steps: { step: string; ts: string; corrupt?: true; unlogged?: true }[] }>(
      'alarm',
    );
    const byHop = new Map<string, number[]>();
    for (const a of truth) {
      const at = new Map<string, number>();
      for (const s of a.steps)
        if (!s.corrupt && !s.unlogged && DEMO_STEP_OF[s.step]) at.set(DEMO_STEP_OF[s.step]!, isoUs(s.ts));
      for (const s of flow!.steps) {
        if (s.parent === undefined) continue;
        const from = flow!.steps[s.parent]!.name;
        if (!at.has(from) || !at.has(s.name)) continue;
        const hop = `${from} → ${s.name}`;
        byHop.set(hop, [...(byHop.get(hop) ?? []), (at.get(s.name)! - at.get(from)!) / 1000]);
      }
    }
    const r = await run('alert-latency-by-hop');
    expect(r.rows.map((row) => row[0]).sort()).toEqual([...byHop.keys()].sort());
    for (const row of r.rows) {
      const lat = byHop.get(String(row[0]))!;
      expect(row[col(r, 'hops')], String(row[0])).toBe(lat.length);
      expect(row[col(r, 'latency_p50')] as number).toBeCloseTo(quantile(lat, 0.5), 6);
      expect(row[col(r, 'latency_p95')] as number).toBeCloseTo(quantile(lat, 0.95), 6);
      expect(row[col(r, 'latency_max')]).toBeCloseTo(Math.max(...lat), 6);
    }
    // Sorted as declared: slowest p95 first.
    const p95 = r.rows.map((row) => Number(row[col(r, 'latency_p95')]));
    expect(p95).toEqual([...p95].sort((a, b) => b - a));
  });

  it('stuck and lost alerts: the lost ones are exactly the ones the truth lost', async () => {
    const [flow] = w.flows;
    const endUs = Number((await w.sim.warehouse.query(sql`select max(epoch_us(ts)) as t from events`))[0]!.t);
    const truth = w.sim.truth<{ alarm_ref: string; steps: { ts: string }[]; lost_at: string | null }>(
      'alarm',
    );
    const lostTruth = truth
      .filter((a) => a.lost_at && isoUs(a.steps[0]!.ts) + flow!.horizonUs <= endUs)
      .map((a) => a.alarm_ref)
      .sort();
    const r = await run('stuck-and-lost-alerts', { state: ['lost'] });
    expect(lostTruth.length).toBeGreaterThan(3);
    expect(r.rows.map((row) => row[col(r, 'root')]).sort()).toEqual(lostTruth);
    // Newest first, as declared.
    const started = r.rows.map((row) => String(row[col(r, 'started')]));
    expect(started).toEqual([...started].sort().reverse());
  });

  it('availability by subsystem agrees with the true health intervals (within 0.1 point)', async () => {
    const range = `${usToIso(START_US)}..${usToIso(START_US + DURATION_MS * 1000)}`;
    const truth = w.sim.truth<{
      subsystem: string;
      component: string | null;
      state: string;
      from: string;
      to: string;
    }>('health');
    const r = await run('availability-by-subsystem', { time: [range] });
    expect(r.rows.length).toBe(5);
    let imperfect = 0;
    for (const row of r.rows) {
      const mine = truth.filter((h) => h.component === null && h.subsystem === row[0]);
      const ok = mine.filter((h) => h.state === 'ok').reduce((a, h) => a + isoUs(h.to) - isoUs(h.from), 0);
      const all = mine.reduce((a, h) => a + isoUs(h.to) - isoUs(h.from), 0);
      const want = (100 * ok) / all;
      if (want < 100) imperfect++;
      expect(row[col(r, 'availability_pct')] as number, String(row[0])).toBeCloseTo(want, 0);
      expect(Math.abs((row[col(r, 'availability_pct')] as number) - want), String(row[0])).toBeLessThan(0.1);
    }
    expect(imperfect).toBeGreaterThan(0);
  });
});

describe('filters', () => {
  it('linked filter values: picking a subsystem narrows the components to its own, with counts', async () => {
    const events = await allEvents();
    const def = await w.catalog.get('event-volume-by-subsystem');
    const ds = w.catalog.dataset(def);
    const all = await filterValues(
      w.sim.warehouse,
      def,
      ds,
      'component',
      { time: [ALL_TIME] },
      undefined,
      UNRESTRICTED,
    );
    const narrowed = await filterValues(
      w.sim.warehouse,
      def,
      ds,
      'component',
      { time: [ALL_TIME], subsystem: ['video'] },
      undefined,
      UNRESTRICTED,
    );
    const expected = new Map<string, number>();
    for (const e of events.filter((x) => x.subsystem === 'video'))
      expected.set(e.component, (expected.get(e.component) ?? 0) + 1);
    expect(new Map(narrowed.map((v) => [v.value, v.count]))).toEqual(expected);
    expect(all.length).toBeGreaterThan(narrowed.length);
    const searched = await filterValues(
      w.sim.warehouse,
      def,
      ds,
      'subsystem',
      { time: [ALL_TIME] },
      'GATE',
      UNRESTRICTED,
    );
    expect(searched.map((v) => v.value)).toEqual(['gateway']);
  });

  it('a value outside the domain is rejected, naming the filter', async () => {
    const cases: [Record<string, string[]>, string][] = [
      [{ subsystem: ['gateway', 'no-such-subsystem'] }, 'query.f.subsystem'],
      [{ time: ['last tuesday'] }, 'query.f.time'],
      [{ unknown: ['x'] }, 'query.f.unknown'],
    ];
    for (const [filters, where] of cases) {
      const e = await run('event-volume-by-subsystem', filters).catch((x: unknown) => x);
      expect(isUserError(e), JSON.stringify(filters)).toBe(true);
      if (!isUserError(e)) continue;
      expect(e.code).toBe('bad_request');
      expect(e.details[0]!.where).toBe(where);
      expect(e.details[0]!.hint).toBeTruthy();
    }
  });

  it('paging: pages in order, no overlap, total stays the same', async () => {
    const whole = await run('event-volume-by-subsystem', {}, { sort: 'events', dir: 'desc' });
    const pages: ReportRunResult['rows'] = [];
    for (let offset = 0; offset < whole.total; offset += 7) {
      const def = await w.catalog.get('event-volume-by-subsystem');
      const p = await runReport(
        w.sim.warehouse,
        def,
        w.catalog.dataset(def),
        { filters: { time: [ALL_TIME] }, sort: 'events', dir: 'desc', limit: 7, offset },
        UNRESTRICTED,
      );
      expect(p.total).toBe(whole.total);
      pages.push(...p.rows);
    }
    expect(pages).toEqual(whole.rows);
  });
});

describe('user definitions', () => {
  it('attribute paths, ratios and segments compute what they say', async () => {
    const r = validateReportYaml(
      `id: alarm-share
title: Alarm share
dataset: events
dimensions: [subsystem]
measures:
  - events
  - { name: alarms, agg: count_distinct, of: keys.alarm_id }
  - { name: with_id, agg: ratio, numerator: alarms, denominator: events, scale: 100 }
segments: [alerts]
`,
      { datasets: w.catalog.datasets },
    );
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const res = await runReport(
      w.sim.warehouse,
      r.def as ReportDef,
      w.catalog.datasets.events!,
      { filters: {} },
      UNRESTRICTED,
    );
    const events = (await allEvents()).filter((e) => e.kind === 'alert');
    for (const row of res.rows) {
      const mine = events.filter((e) => e.subsystem === row[0]);
      const ids = new Set(mine.map((e) => e.keys.alarm_id).filter(Boolean));
      expect(row[1]).toBe(mine.length);
      expect(row[2]).toBe(ids.size);
      expect(row[3] as number).toBeCloseTo((100 * ids.size) / mine.length, 9);
    }
    expect(res.rows.length).toBeGreaterThan(0);
  });
});

describe('timeout and cancellation', () => {
  const SLOW = sql`select count(*) as n from range(10000000000) as a(x) where x % 7 = 3`;

  it('a query over its time limit is stopped and reported as a user error', async () => {
    const e = await queryWithin(w.sim.warehouse, SLOW, { timeoutMs: 200 }).catch((x: unknown) => x);
    expect(isUserError(e) && e.message).toMatch(/longer than 0.2 s/);
  }, 60_000);

  it('an abort interrupts the running query and the warehouse keeps answering', async () => {
    const ac = new AbortController();
    const pending = queryWithin(w.sim.warehouse, SLOW, { signal: ac.signal, timeoutMs: 120_000 });
    setTimeout(() => ac.abort(new Error('cancelled by the test')), 100);
    await expect(pending).rejects.toThrow('cancelled by the test');
    const pre = new AbortController();
    pre.abort(new Error('already'));
    await expect(queryWithin(w.sim.warehouse, SLOW, { signal: pre.signal })).rejects.toThrow('already');
    expect((await w.sim.warehouse.query(sql`select 1 as one`))[0]!.one).toBe(1);
  }, 60_000);
});
