// The catalog gives the same answers on every engine: a short demo world ingested by the real
// demo pipelines into a real DuckDB file, copied into a private ClickHouse server and a two-shard
// ClickHouse cluster. Each engine's processor folds the events in over the same ingest-time
// windows (DuckDB in SQL, ClickHouse by reading pages and unpivoting in TypeScript); the derived
// rows (types, fields, the distinct-value sketch, rates, drift, state) and the catalog API's
// answers are compared exactly. Several increments count what one run counts, and a run that
// dies between its writes (no transaction on ClickHouse) is finished by the next, counting once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processCatalog } from '../../src/process/catalog/catalog-processor.ts';
import type { CatalogResponse } from '../../src/process/catalog/catalog-queries.ts';
import { startCatalogRunner } from '../../src/process/catalog/catalog-runner.ts';
import { CATALOG_DERIVED } from '../../src/warehouse/clickhouse/derivedSchema.ts';
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
const DETECTED_US = START_US + 7_200_000_000;
/** The wall clock of the `i`th window's run: the same on every engine, and apart from the others'. */
const clockOf = (i: number) => () => DETECTED_US + i * 1_000_000;
const clock = clockOf(99);

let sim: SimulatedWarehouse;
let world: EngineWorld;
let engines: EngineWorld['engines'] = [];
/** Ingest-time ends of the windows every engine folds in (the last: everything). */
let cuts: (number | undefined)[] = [];

beforeAll(async () => {
  world = await simulatedEngines(
    {
      seed: 31,
      durationMs: 16 * 60_000,
      ratePerSecond: 2,
      corruptRate: 0.02,
      lossRate: 0.05,
      scenarios: 'failover,console-stall:at=8m:for=5m',
      start: new Date(START_US / 1000),
    },
    'catalog',
  );
  ({ sim, engines } = world);
  const d = sim.warehouse.sqlDialect;
  const times = (
    await sim.warehouse.query(
      sql`select distinct ${d.epochUs(sql.id('received_at'))} as r from events order by r`,
    )
  ).map((r) => Number(r.r));
  cuts = [0.1, 0.3, 0.5, 0.7, 0.9].map((q) => times[Math.floor(q * (times.length - 1))]!);
  cuts.push(undefined);
}, 180_000);

afterAll(async () => {
  await world?.close();
});

type Table = 'types' | 'fields' | 'values' | 'rates' | 'drift' | 'state';
type Snapshot = Record<Table, string[]>;

const b = (c: string) => sql`case when ${sql.id(c)} then 1 else 0 end`;
const QUERIES: Record<Table, Sql> = {
  types: sql`select pipeline, subsystem, type, events, first_us, last_us, ${b('collapsed')} as collapsed, baseline
    from catalog_types order by pipeline, subsystem, type`,
  fields: sql`select pipeline, subsystem, type, field, source, present, classes, numbers, first_us, last_us, recent_type,
    ${b('vanished')} as vanished from catalog_fields order by pipeline, subsystem, type, field`,
  values: sql`select pipeline, subsystem, type, field, h, value from catalog_values order by pipeline, subsystem, type, field, h, value`,
  rates: sql`select pipeline, subsystem, type, bucket_us, events from catalog_rates order by pipeline, subsystem, type, bucket_us`,
  drift: sql`select detected_us, at_us, pipeline, subsystem, type, field, change, detail from catalog_drift
    order by at_us, pipeline, subsystem, type, field, change`,
  state: sql`select name, hi_received_us, runs from catalog_state where name = 'catalog'`,
};
const TABLES = Object.keys(QUERIES) as Table[];

async function snapshot(w: Warehouse): Promise<Snapshot> {
  const out = {} as Snapshot;
  for (const name of TABLES) {
    out[name] = (await w.query(QUERIES[name])).map((r) => {
      // DuckDB writes a field's classes in whatever order its query returned them.
      if (name === 'fields') r.classes = JSON.stringify(Object.entries(JSON.parse(String(r.classes))).sort());
      return JSON.stringify(Object.values(r).map((v) => (v === null ? null : String(v))));
    });
  }
  return out;
}

async function foldAll(w: Warehouse, windows = cuts): Promise<number> {
  let events = 0;
  for (const [i, untilUs] of windows.entries())
    events += (await processCatalog(w, { settleUs: 0, untilUs, clock: clockOf(i) })).events;
  return events;
}

const clear = async (w: Warehouse) => {
  if (w.dialect === 'clickhouse')
    await w.execute(CATALOG_DERIVED.map((t) => sql`truncate table ${sql.id(`${t.name}_log`)}`));
  else
    await w.execute(
      [
        'catalog_state',
        'catalog_types',
        'catalog_fields',
        'catalog_values',
        'catalog_rates',
        'catalog_drift',
      ].map((t) => sql`delete from ${sql.id(t)}`),
    );
};

let want: Snapshot;
let total = 0;

describe('catalog on ClickHouse', () => {
  it('folds the same types, fields, sketches, rates and drift as DuckDB over the same windows', async () => {
    const [n] = await sim.warehouse.query(sql`select count(*) as n from events`);
    total = Number(n!.n);
    expect(await foldAll(sim.warehouse)).toBe(total);
    want = await snapshot(sim.warehouse);
    // Not vacuous: many fields of every source, full sketches, and drift between windows.
    expect(want.fields.length).toBeGreaterThan(40);
    expect(want.values.length).toBeGreaterThan(1000);
    expect(want.drift.length).toBeGreaterThan(0);
    for (const e of engines) {
      expect(await foldAll(e.w), e.name).toBe(total);
      const got = await snapshot(e.w);
      for (const name of TABLES) expect(got[name], `${e.name}: ${name}`).toEqual(want[name]);
      // Nothing new: a further run changes nothing.
      expect((await processCatalog(e.w, { settleUs: 0, clock })).events, e.name).toBe(0);
      expect(await snapshot(e.w), e.name).toEqual(got);
    }
  }, 300_000);

  it('serves the same catalog and drift from every engine', async () => {
    const apps = await engineApps(world);
    const top = (await apps[0]!.get('/api/catalog')) as CatalogResponse;
    expect(top.sources.length).toBeGreaterThan(3);
    const s = top.sources[0]!;
    const paths = [
      '/api/catalog',
      `/api/catalog?pipeline=${s.pipeline}`,
      `/api/catalog?subsystem=${s.subsystem}`,
      '/api/catalog?q=id',
      '/api/catalog/drift',
      '/api/catalog/drift?limit=3&offset=1',
      '/api/catalog/drift?change=field_added,rate_collapsed',
    ];
    await expectSameAnswers(apps, paths);
  }, 120_000);

  it('counts in several increments what one run counts', async () => {
    const counted = (x: Snapshot) => ({
      types: x.types.map((r) => JSON.parse(r).slice(0, 6)),
      fields: x.fields.map((r) => JSON.parse(r).slice(0, 10)),
      values: x.values,
      rates: x.rates,
    });
    for (const w of [sim.warehouse, engines[0]!.w]) {
      await clear(w);
      expect(await foldAll(w, [undefined])).toBe(total);
      expect(counted(await snapshot(w)), w.dialect).toEqual(counted(want));
    }
  }, 120_000);

  it('runs live through the catalog runner, behind a gate', async () => {
    // (Clearing means truncating each log, which on a cluster only its shards' tables can do.)
    const e = engines[0]!;
    await clear(e.w);
    let open = false;
    const r = startCatalogRunner(e.w, { intervalMs: 3_600_000, settleUs: 0, gate: async () => open });
    try {
      await r.runOnce();
      expect(r.stats().last).toBeUndefined();
      open = true;
      await r.runOnce();
      expect(r.stats().failures, r.stats().lastError).toBe(0);
      expect(r.stats().last?.events).toBe(total);
    } finally {
      await r.stop();
    }
    const counted = (x: Snapshot) => x.types.map((t) => JSON.parse(t).slice(0, 6));
    expect(counted(await snapshot(e.w))).toEqual(counted(want));
  }, 120_000);

  it('a run that dies between its writes is finished by the next, counting each event once', async () => {
    const e = engines[0]!;
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
    for (const stop of ["('journal'", 'catalog_values_log', "('catalog'"]) {
      await clear(e.w);
      const w = crashing(stop, 3);
      await expect(foldAll(w)).rejects.toThrow(/injected/);
      // A restart: the remaining windows (the interrupted one again) on the plain warehouse.
      await foldAll(e.w);
      const got = await snapshot(e.w);
      for (const name of TABLES) expect(got[name], `${stop}: ${name}`).toEqual(want[name]);
    }
  }, 300_000);
});
