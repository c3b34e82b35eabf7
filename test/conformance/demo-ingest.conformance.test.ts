// The demo world's real log files, ingested by the real demo pipelines into every dialect
// (DuckDB file, one ClickHouse server, a two-shard ClickHouse cluster): each store must end up
// with the same events, dead letters, read positions and volume; only the ingest time
// (receivedAt) may differ. Small rotateBytes makes the files rotate mid-run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { waitUntilIdle } from '../../src/pipeline/idle.ts';
import { startIngest } from '../../src/pipeline/ingest.ts';
import { simulate } from '../../src/sim/simulate.ts';
import { openWarehouse, type WarehouseOptions } from '../../src/warehouse/open.ts';
import type { Warehouse } from '../../src/warehouse/warehouse.ts';
import {
  type ClickHouseCluster,
  type ClickHouseServer,
  startClickHouse,
  startClickHouseCluster,
} from '../support/clickhouse.ts';
import { DEMO_CONFIG } from '../support/simulated-warehouse.ts';

const START_MS = Date.parse('2026-01-01T00:00:00Z');
const all = { limit: 10_000, offset: 0 };

interface Snapshot {
  counts: unknown;
  events: unknown[];
  deadLetters: unknown[];
  positions: unknown;
  volume: unknown;
}

async function snapshot(w: Warehouse): Promise<Snapshot> {
  const events = await w.events(all);
  const dls = await w.deadLetters(all);
  expect(events.total).toBeLessThan(all.limit);
  return {
    counts: await w.counts(),
    events: events.rows.map(({ receivedAt: _, ...e }) => e),
    deadLetters: dls.rows.map(({ receivedAt: _, ...d }) => d).sort((a, b) => (a.id < b.id ? -1 : 1)),
    positions: await w.positions(),
    volume: await w.volume({
      fromUs: START_MS * 1000,
      toUs: (START_MS + 3_600_000) * 1000,
      bucketSeconds: 10,
    }),
  };
}

describe('demo pipelines store the same data in every dialect', () => {
  let dir: string;
  let single: ClickHouseServer;
  let cluster: ClickHouseCluster;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mortar-demo-conf-'));
    [single, cluster] = await Promise.all([startClickHouse(), startClickHouseCluster('demo_conf', 2)]);
    await simulate({
      outDir: join(dir, 'sim'),
      seed: 5,
      durationMs: 60_000,
      ratePerSecond: 2,
      corruptRate: 0.02,
      rotateBytes: 16 * 1024,
      start: new Date(START_MS),
    });
  });
  afterAll(async () => {
    await Promise.all([single?.stop(), cluster?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('agrees on events, dead letters, positions and volume', async () => {
    const loaded = loadConfig(DEMO_CONFIG, { dataDir: dir });
    // Parsing on the main thread: no worker start-up per run; the stores are what is compared.
    const config = { ...loaded, ingest: { ...loaded.ingest, workers: 0 } };
    const targets: [string, WarehouseOptions][] = [
      ['duckdb', { type: 'duckdb', path: join(dir, 'mortar.duckdb') }],
      ['clickhouse', { type: 'clickhouse', url: single.url, database: 'demo' }],
      [
        'clickhouse cluster',
        {
          type: 'clickhouse',
          url: cluster.servers[1]!.url,
          database: 'demo',
          cluster: cluster.name,
          shards: cluster.servers.map((s) => s.url),
        },
      ],
    ];
    const snapshots: Snapshot[] = [];
    for (const [name, options] of targets) {
      const started = Date.now();
      const w = await openWarehouse(options);
      const ingest = await startIngest(config, w);
      await waitUntilIdle(ingest);
      await ingest.stop();
      console.log(`[demo ingest] ${name}: ${Date.now() - started} ms`);
      const s = await snapshot(w);
      expect(s.events.length, name).toBeGreaterThan(300);
      expect(s.deadLetters.length, name).toBeGreaterThan(0);
      snapshots.push(s);
      await w.close();
    }
    expect(snapshots[1]).toEqual(snapshots[0]);
    expect(snapshots[2]).toEqual(snapshots[0]);
  });
});
