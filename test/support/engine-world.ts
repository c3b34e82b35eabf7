// Test fixture for the cross-engine conformance tests: one simulated demo world ingested by the real
// demo pipelines into a real DuckDB file, and the same events copied (copyWarehouse, as `mortar
// migrate` does) into a private single ClickHouse server and a private two-shard cluster.
import { rmSync } from 'node:fs';
import type { Hono } from 'hono';
import { expect } from 'vitest';
import { LiveTotals } from '../../src/api/live.ts';
import { type AppDeps, createApp } from '../../src/api/server.ts';
import type { SimulateOptions } from '../../src/sim/simulate.ts';
import { copyWarehouse } from '../../src/warehouse/copy/copyWarehouse.ts';
import { openWarehouse } from '../../src/warehouse/open.ts';
import type { Warehouse } from '../../src/warehouse/warehouse.ts';
import {
  type ClickHouseCluster,
  type ClickHouseServer,
  startClickHouse,
  startClickHouseCluster,
} from './clickhouse.ts';
import { type SimulatedWarehouse, simulatedWarehouse } from './simulated-warehouse.ts';

export interface EngineWorld {
  sim: SimulatedWarehouse;
  /** The ClickHouse warehouses holding a copy of the sim's events: single server, then cluster. */
  engines: { name: string; w: Warehouse }[];
  single: ClickHouseServer;
  cluster: ClickHouseCluster;
  close(): Promise<void>;
}

/** `name` names the temp dir, the database and the cluster (letters, digits and _). */
export async function simulatedEngines(
  opts: Omit<SimulateOptions, 'outDir'>,
  name: string,
): Promise<EngineWorld> {
  const [sim, single, cluster] = await Promise.all([
    simulatedWarehouse(opts, `mortar-${name}-conf-`),
    startClickHouse(),
    startClickHouseCluster(`${name}_conf`, 2),
  ]);
  const engines: EngineWorld['engines'] = [];
  const close = async () => {
    for (const e of engines) await e.w.close();
    await sim.warehouse.close();
    await Promise.all([single.stop(), cluster.stop()]);
    rmSync(sim.dir, { recursive: true, force: true });
  };
  try {
    engines.push(
      { name: 'clickhouse', w: await openWarehouse({ type: 'clickhouse', url: single.url, database: name }) },
      {
        name: 'clickhouse cluster (2 shards)',
        w: await openWarehouse({
          type: 'clickhouse',
          url: cluster.servers[0]!.url,
          database: name,
          cluster: cluster.name,
          shards: cluster.servers.map((s) => s.url),
        }),
      },
    );
    for (const e of engines) {
      const copied = await copyWarehouse(sim.warehouse, e.w);
      if (!copied.ok) throw new Error(`the copy into ${e.name} is incomplete`);
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { sim, engines, single, cluster, close };
}

export interface EngineApp {
  name: string;
  app: Hono;
  /** GET `path` as JSON; the answer must be 200. */
  get(path: string): Promise<unknown>;
}

/** One API app per engine, DuckDB first, each over its own warehouse. */
export async function engineApps(world: EngineWorld, deps: Partial<AppDeps> = {}): Promise<EngineApp[]> {
  return Promise.all(
    [{ name: 'duckdb', w: world.sim.warehouse }, ...world.engines].map(async (e) => {
      const app = createApp({
        config: world.sim.config,
        warehouse: e.w,
        live: await LiveTotals.seed(e.w),
        version: 't',
        ...deps,
      });
      const get = async (path: string) => {
        const res = await app.request(path);
        expect(res.status, `${e.name} ${path}`).toBe(200);
        return res.json();
      };
      return { name: e.name, app, get };
    }),
  );
}

/** Asserts every engine answers each path as DuckDB does. */
export async function expectSameAnswers(apps: readonly EngineApp[], paths: readonly string[]): Promise<void> {
  for (const path of paths) {
    const want = await apps[0]!.get(path);
    for (const a of apps.slice(1)) expect(await a.get(path), `${a.name} ${path}`).toEqual(want);
  }
}
