// Pattern mining gives the same templates on every engine: a short demo world (with a failover,
// an alarm storm, a stalled console and garbled lines) ingested by the real demo pipelines into a real DuckDB
// file, copied into a private ClickHouse server and a two-shard ClickHouse cluster. DuckDB mines
// everything in one step; ClickHouse in many small steps (and through the live runner); the
// derived rows (templates with counts and examples, the event -> template mapping, new-pattern
// and rate changes, the state) and the patterns API's answers are compared exactly. A step that
// dies between its writes (no transaction on ClickHouse) and a restart after it count each event
// once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PatternsResponse } from '../../src/api/types.ts';
import {
  DEFAULT_PATTERN_SETTINGS,
  detectRateChanges,
  ensurePatternTables,
  minePatternStep,
  newPatternState,
  type PatternSettings,
} from '../../src/process/patterns/pattern-processor.ts';
import { startPatternRunner } from '../../src/process/patterns/pattern-runner.ts';
import { compile } from '../../src/warehouse/dialect.ts';
import { type Sql, sql } from '../../src/warehouse/sql.ts';
import type { Warehouse } from '../../src/warehouse/warehouse.ts';
import {
  type EngineWorld,
  engineApps,
  expectSameAnswers,
  simulatedEngines,
} from '../support/engine-world.ts';
import type { SimulatedWarehouse } from '../support/simulated-warehouse.ts';

const START_US = Date.parse('2026-03-02T10:00:00Z') * 1000;
// Windows short enough for a 10-minute world to have rate changes and new patterns after warm-up.
const SETTINGS: PatternSettings = {
  ...DEFAULT_PATTERN_SETTINGS,
  warmupUs: 60e6,
  rateWindowUs: 30e6,
  baselineWindows: 4,
};

let sim: SimulatedWarehouse;
let world: EngineWorld;
let engines: EngineWorld['engines'] = [];

beforeAll(async () => {
  world = await simulatedEngines(
    {
      seed: 23,
      durationMs: 10 * 60_000,
      ratePerSecond: 2,
      corruptRate: 0.02,
      lossRate: 0.05,
      scenarios: 'failover,console-stall:at=2m:for=90s,storm:at=520s:for=80s:factor=20',
      start: new Date(START_US / 1000),
    },
    'patterns',
  );
  ({ sim, engines } = world);
}, 180_000);

afterAll(async () => {
  await world?.close();
});

type Table = 'templates' | 'events' | 'changes' | 'state';
type Snapshot = Record<Table, string[]>;

const QUERIES: Record<Table, Sql> = {
  templates: sql`select pipeline, subsystem, id, template, tokens, case when varied then 1 else 0 end as varied,
    count, first_us, last_us, examples from pattern_templates order by pipeline, id`,
  events: sql`select event_id, pipeline, template_id, ts_us, received_us from pattern_events order by event_id`,
  changes: sql`select pipeline, subsystem, component, template_id, kind, at_us, recent, baseline, detail
    from pattern_changes order by pipeline, template_id, kind, at_us`,
  state: sql`select pipeline, watermark_us, overflow from pattern_state order by pipeline`,
};

async function rows(w: Warehouse, q: Sql): Promise<string[]> {
  return (await w.query(q)).map((r) =>
    JSON.stringify(Object.values(r).map((v) => (v === null ? null : String(v)))),
  );
}

const TABLES = Object.keys(QUERIES) as Table[];

async function snapshot(w: Warehouse): Promise<Snapshot> {
  const out = {} as Snapshot;
  for (const name of TABLES) out[name] = await rows(w, QUERIES[name]);
  return out;
}

async function mineAll(w: Warehouse, s: PatternSettings): Promise<number> {
  const st = newPatternState();
  let steps = 0;
  while ((await minePatternStep(w, st, s)).events > 0) steps++;
  return steps;
}

const LOGS = ['pattern_templates_log', 'pattern_events_log', 'pattern_changes_log', 'pattern_state_log'];
const clear = (w: Warehouse) => w.execute(LOGS.map((t) => sql`truncate table ${sql.id(t)}`));

let want: Snapshot;

describe('patterns on ClickHouse', () => {
  it('mines the same templates, mappings and changes as DuckDB, in many small steps as in one', async () => {
    await ensurePatternTables(sim.warehouse);
    expect(await mineAll(sim.warehouse, { ...SETTINGS, batch: 1_000_000 })).toBe(1);
    await detectRateChanges(sim.warehouse, SETTINGS);
    want = await snapshot(sim.warehouse);
    // Not vacuous: the world has templates from every subsystem, new patterns and rate changes.
    const [n] = await sim.warehouse.query(sql`select count(*) as n from events`);
    expect(want.events.length).toBe(Number(n!.n));
    expect(want.templates.length).toBeGreaterThan(20);
    const kinds = new Set(want.changes.map((r) => JSON.parse(r)[4]));
    expect([...kinds].sort()).toEqual(expect.arrayContaining(['new', 'rate_up']));

    for (const [e, batch] of [
      [engines[0]!, 3000],
      [engines[1]!, 5000],
    ] as const) {
      expect(await mineAll(e.w, { ...SETTINGS, batch }), e.name).toBeGreaterThan(2);
      await detectRateChanges(e.w, SETTINGS);
      const got = await snapshot(e.w);
      for (const name of TABLES) expect(got[name], `${e.name}: ${name}`).toEqual(want[name]);
      // Nothing new: a further step and a further detection change nothing.
      expect((await minePatternStep(e.w, newPatternState(), SETTINGS)).events, e.name).toBe(0);
      expect(await detectRateChanges(e.w, SETTINGS), e.name).toBe(0);
      expect(await snapshot(e.w), e.name).toEqual(got);
    }
  }, 300_000);

  it('serves the same patterns, changes and template details from every engine', async () => {
    const apps = await engineApps(world);
    const range = `from=${new Date(START_US / 1000 - 60_000).toISOString()}&to=${new Date(START_US / 1000 + 3600_000).toISOString()}`;
    const top = (await apps[0]!.get(`/api/patterns?${range}&limit=500`)) as PatternsResponse;
    expect(top.sources.length).toBeGreaterThan(3);
    const source = top.sources[0]!;
    const ids = top.sources.flatMap((s) => s.patterns.slice(0, 2).map((p) => p.id));
    const paths = [
      '/api/patterns',
      `/api/patterns?${range}&limit=500`,
      `/api/patterns?${range}&source=${source.pipeline}`,
      `/api/patterns?${range}&subsystem=${source.subsystem}`,
      '/api/patterns/changes',
      `/api/patterns/changes?${range}`,
      `/api/patterns/changes?${range}&subsystem=${source.subsystem}`,
      ...ids.map((id) => `/api/patterns/${id}?${range}`),
      `/api/patterns/${ids[0]}`,
    ];
    await expectSameAnswers(apps, paths);
    for (const a of apps) expect((await a.app.request('/api/patterns/nope')).status, a.name).toBe(404);
  }, 120_000);

  it('runs live through the pattern runner with the same rows as on DuckDB', async () => {
    const runner = { settings: { ...SETTINGS, batch: 4000 }, maxBatchesPerRun: 2, intervalMs: 3_600_000 };
    const runAll = async (w: Warehouse) => {
      const r = startPatternRunner(w, runner);
      try {
        let before = -1;
        while (r.stats().events !== before) {
          before = r.stats().events;
          await r.runOnce();
          expect(r.stats().failures, r.stats().lastError).toBe(0);
        }
        return r.stats();
      } finally {
        await r.stop();
      }
    };
    await sim.warehouse.execute(
      ['pattern_templates', 'pattern_events', 'pattern_changes', 'pattern_state'].map(
        (t) => sql`drop table ${sql.id(t)}`,
      ),
    );
    const duck = await runAll(sim.warehouse);
    const live = await snapshot(sim.warehouse);
    // Several runs mine what one run mined; only the rate changes depend on when detection ran.
    for (const name of ['templates', 'events', 'state'] as const)
      expect(live[name], name).toEqual(want[name]);
    const e = engines[0]!;
    await clear(e.w);
    const ch = await runAll(e.w);
    expect({ runs: ch.runs, events: ch.events, templates: ch.templates }).toEqual({
      runs: duck.runs,
      events: duck.events,
      templates: duck.templates,
    });
    expect(await snapshot(e.w)).toEqual(live);
  }, 300_000);

  it('a server that lost the processor lease forgets its miners and continues from the tables', async () => {
    const BATCH = 4000;
    const e = engines[0]!;
    await clear(e.w);
    const settings = { ...SETTINGS, batch: BATCH };
    const lease = { a: true, b: false };
    const runners = (['a', 'b'] as const).map((who) =>
      startPatternRunner(e.w, {
        settings,
        maxBatchesPerRun: 1,
        intervalMs: 3_600_000,
        gate: async () => lease[who],
      }),
    );
    const [a, b] = runners as [ReturnType<typeof startPatternRunner>, ReturnType<typeof startPatternRunner>];
    try {
      await a.runOnce();
      await b.runOnce(); // standing by: mines nothing
      expect([a.stats().events, b.stats().events]).toEqual([BATCH, 0]);
      Object.assign(lease, { a: false, b: true });
      await a.runOnce(); // sees the lease gone
      await b.runOnce();
      await b.runOnce();
      Object.assign(lease, { a: true, b: false });
      let before = -1;
      while (a.stats().events !== before) {
        before = a.stats().events;
        await a.runOnce();
      }
      expect(b.stats().events).toBe(2 * BATCH);
      for (const r of runners) expect(r.stats().failures, r.stats().lastError).toBe(0);
    } finally {
      for (const r of runners) await r.stop();
    }
    const got = await snapshot(e.w);
    for (const name of ['templates', 'events', 'state'] as const) expect(got[name], name).toEqual(want[name]);
  }, 300_000);

  it('a step that dies between its writes is mined again after a restart, counting each event once', async () => {
    const e = engines[0]!;
    const [n] = await e.w.query(sql`select count() as n from events`);
    const total = Number(n!.n);
    /** The warehouse, except that the `nth` execute dies just before its first statement matching `stop`. */
    const crashing = (stop: string, nth: number): Warehouse => {
      let calls = 0;
      return new Proxy(e.w, {
        get(target, prop, receiver) {
          if (prop === 'execute')
            return async (statements: Sql[]) => {
              if (++calls !== nth) return target.execute(statements);
              const at = statements.findIndex((q) => compile(q, target.sqlDialect).text.includes(stop));
              if (at < 0) return target.execute(statements);
              await target.execute(statements.slice(0, at));
              throw new Error(`crash before ${stop} (injected)`);
            };
          const v = Reflect.get(target, prop, receiver);
          return typeof v === 'function' ? v.bind(target) : v;
        },
      });
    };
    const settings = { ...SETTINGS, batch: 3000 };
    for (const stop of ['pattern_state_log', 'pattern_events_log', 'pattern_templates_log']) {
      await clear(e.w);
      const w = crashing(stop, 4);
      const st = newPatternState();
      await expect(
        (async () => {
          while ((await minePatternStep(w, st, settings)).events > 0);
        })(),
      ).rejects.toThrow(/injected/);
      // A restart: the state in memory is gone, the miners come back from the tables.
      await mineAll(e.w, settings);
      await detectRateChanges(e.w, SETTINGS);
      const got = await snapshot(e.w);
      expect(got.events.length, stop).toBe(total);
      const counted = await e.w.query(sql`select sum(count) as n from pattern_templates`);
      expect(Number(counted[0]!.n), stop).toBe(total);
      // Each template's count is the number of events mapped to it.
      const mismatched = await e.w.query(
        sql`select count() as n from (select pipeline, id, count from pattern_templates) any left join
          (select pipeline, template_id as id, count() as mapped from pattern_events group by pipeline, template_id)
          using (pipeline, id) where count != mapped`,
      );
      expect(Number(mismatched[0]!.n), stop).toBe(0);
      // Re-mining the same events in the same order gives the same rows as an uninterrupted run.
      for (const name of TABLES) expect(got[name], `${stop}: ${name}`).toEqual(want[name]);
    }
  }, 300_000);
});
