// `mortar migrate` as a user runs it: a real DuckDB file filled by the demo pipelines from
// simulated logs, moved to a real ClickHouse server and to a real two-shard cluster. Each run is
// SIGKILLed midway (once the target holds some but not all events) and started again: the resumed
// copy must end with exactly the source's rows, each once, identical field by field.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { waitUntilIdle } from '../../src/pipeline/idle.ts';
import { startIngest } from '../../src/pipeline/ingest.ts';
import { simulate } from '../../src/sim/simulate.ts';
import {
  type ClickHouseWarehouseOptions,
  openWarehouse,
  type WarehouseOptions,
} from '../../src/warehouse/open.ts';
import { sql } from '../../src/warehouse/sql.ts';
import type { Warehouse } from '../../src/warehouse/warehouse.ts';
import {
  type ClickHouseCluster,
  type ClickHouseServer,
  startClickHouse,
  startClickHouseCluster,
} from '../support/clickhouse.ts';
import { DEMO_CONFIG } from '../support/simulated-warehouse.ts';

const BIN = fileURLToPath(new URL('../../bin/mortar.js', import.meta.url));
const PAGE = 10_000;

interface Run {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>;
}

function mortar(args: string[]): Run {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (b) => (stdout += b));
  child.stderr!.on('data', (b) => (stderr += b));
  const done = new Promise<Awaited<Run['done']>>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

async function chCount(url: string, query: string): Promise<number> {
  try {
    const res = await fetch(`${url}/?query=${encodeURIComponent(query)}`);
    return res.ok ? Number((await res.text()).trim()) : 0;
  } catch {
    return 0;
  }
}

async function allEvents(w: Warehouse) {
  const first = await w.events({ limit: PAGE, offset: 0 });
  expect(first.total).toBeLessThan(PAGE);
  return first.rows.sort((a, b) => (a.id < b.id ? -1 : 1));
}

async function allDeadLetters(w: Warehouse) {
  return (await w.deadLetters({ limit: PAGE, offset: 0 })).rows.sort((a, b) => (a.id < b.id ? -1 : 1));
}

describe('mortar migrate: DuckDB -> ClickHouse, interrupted and resumed', () => {
  let dir: string;
  let single: ClickHouseServer;
  let cluster: ClickHouseCluster;
  let sourceOptions: WarehouseOptions;
  let sourceEvents = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mortar-migrate-'));
    [single, cluster] = await Promise.all([startClickHouse(), startClickHouseCluster('mig', 2)]);
    await simulate({
      outDir: join(dir, 'sim'),
      seed: 11,
      durationMs: 120_000,
      ratePerSecond: 3,
      corruptRate: 0.02,
      rotateBytes: 64 * 1024,
      start: new Date(Date.parse('2026-02-01T00:00:00Z')),
    });
    const loaded = loadConfig(DEMO_CONFIG, { dataDir: dir });
    const config = { ...loaded, ingest: { ...loaded.ingest, workers: 0 } };
    sourceOptions = { type: 'duckdb', path: join(dir, 'mortar.duckdb') };
    const w = await openWarehouse(sourceOptions);
    const ingest = await startIngest(config, w);
    await waitUntilIdle(ingest);
    await ingest.stop();
    sourceEvents = (await w.counts()).events;
    await w.close();
    // Derived tables (flows, health) in the source, which migrate must name as skipped.
    const reprocess = await mortar(['reprocess', '-c', DEMO_CONFIG, '--data', dir]).done;
    expect(reprocess.code, reprocess.stderr).toBe(0);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([single?.stop(), cluster?.stop()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function migrateWithKill(to: string, entry: string, database: string): Promise<string> {
    const args = ['migrate', '-c', DEMO_CONFIG, '--data', dir, '--to', to, '--batch', '100'];
    const first = mortar(args);
    // Kill once the target holds part of the events (polling the target, not timing the child).
    let seen = 0;
    const exited = first.done.then(() => true);
    while (!(await Promise.race([exited, new Promise<false>((r) => setTimeout(() => r(false), 20))]))) {
      seen = await chCount(entry, `select count() from ${database}.events`);
      if (seen > 0) break;
    }
    first.child.kill('SIGKILL');
    const killed = await first.done;
    expect(killed.signal, `${killed.stdout}\n${killed.stderr}`).toBe('SIGKILL');
    const partial = await chCount(entry, `select count() from ${database}.events`);
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(sourceEvents);
    const second = await mortar(args).done;
    expect(second.code, `${second.stdout}\n${second.stderr}`).toBe(0);
    return second.stdout;
  }

  async function expectSameRows(target: ClickHouseWarehouseOptions): Promise<void> {
    const [src, dst] = [await openWarehouse(sourceOptions), await openWarehouse(target)];
    try {
      expect(await dst.counts()).toEqual(await src.counts());
      expect(await allEvents(dst)).toEqual(await allEvents(src));
      expect(await allDeadLetters(dst)).toEqual(await allDeadLetters(src));
      expect(await dst.positions()).toEqual(await src.positions());
      const [dup] = await dst.query(sql`select count() - uniqExact(id) as d from events`);
      expect(Number(dup?.d)).toBe(0);
    } finally {
      await Promise.all([src.close(), dst.close()]);
    }
  }

  it('moves every row to one server exactly once and prints counts and the config block', async () => {
    expect(sourceEvents).toBeGreaterThan(1000);
    const port = new URL(single.url).port;
    const out = await migrateWithKill(`clickhouse://127.0.0.1:${port}/moved`, single.url, 'moved');
    expect(out).toMatch(new RegExp(`events\\s+${sourceEvents}\\s+${sourceEvents}\\n`));
    expect(out).toMatch(/derived tables are not copied: processing rebuilds them/);
    expect(out).toMatch(/skipped: flow_alerts \([1-9]\d*\), flow_hops/);
    expect(out).toContain(
      `warehouse:\n  type: clickhouse\n  url: http://127.0.0.1:${port}\n  database: moved`,
    );
    await expectSameRows({ type: 'clickhouse', url: single.url, database: 'moved' });
  }, 120_000);

  it('moves every row to a two-shard cluster exactly once', async () => {
    const [a, b] = cluster.servers.map((s) => new URL(s.url).host);
    const to = `http://${a}/moved?cluster=${cluster.name}&shards=${a},${b}`;
    const out = await migrateWithKill(to, cluster.servers[0]!.url, 'moved');
    expect(out).toContain(`cluster: ${cluster.name}\n  shards: [http://${a}, http://${b}]`);
    await expectSameRows({
      type: 'clickhouse',
      url: cluster.servers[0]!.url,
      database: 'moved',
      cluster: cluster.name,
      shards: cluster.servers.map((s) => s.url),
    });
    // Both shards hold part of the events.
    for (const s of cluster.servers)
      expect(await chCount(s.url, 'select count() from moved.events_local')).toBeGreaterThan(0);
  }, 120_000);
});
