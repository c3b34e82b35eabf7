// What only ClickHouse has to prove: rows of a cluster are spread over both shards by the
// documented key (one component stream stays on one shard), every shard carries the schema and
// its own migration ledger, retention drops old days on every shard, a failure between rows and
// positions is harmless on retry (the replay guard, both of its lookup paths), the
// ReplacingMergeTree backstop collapses duplicates that bypassed the guard, and configuration
// errors say what to check.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { isUserError } from '../../src/events/errors.ts';
import { storedEventIds } from '../../src/warehouse/clickhouse/commitBatch.ts';
import { clickhouseMigrations } from '../../src/warehouse/clickhouse/migrations.ts';
import { openNode } from '../../src/warehouse/clickhouse/node.ts';
import { openWarehouse, warehouseOptionsFor } from '../../src/warehouse/open.ts';
import { sql } from '../../src/warehouse/sql.ts';
import { makeDeadLetter, makeEvent, range } from '../../src/warehouse/testRows.ts';
import {
  type ClickHouseCluster,
  type ClickHouseServer,
  startClickHouse,
  startClickHouseCluster,
} from '../support/clickhouse.ts';

const all = { limit: 10_000, offset: 0 };

describe('clickhouse cluster layout', () => {
  let cluster: ClickHouseCluster;
  beforeAll(async () => {
    cluster = await startClickHouseCluster('layout_test', 2);
  });
  afterAll(() => cluster?.stop());

  it('spreads events over both shards, one component stream per shard, and reads them back through either server', async () => {
    const options = {
      type: 'clickhouse' as const,
      url: cluster.servers[0]!.url,
      database: 'spread',
      cluster: cluster.name,
      shards: cluster.servers.map((s) => s.url),
    };
    const w = await openWarehouse(options);
    const events = range(400).map((i) => makeEvent(i, { component: `host-${i % 16}` }));
    await w.commit({ events, deadLetters: [], positions: [] });
    expect((await w.counts()).events).toBe(400);

    const perShard = [];
    for (const server of cluster.servers) {
      const node = await openNode({ url: server.url, database: 'spread' });
      const [local] = await node.query(
        sql`select count() as n, uniqExact(subsystem, component) as c from events_local`,
      );
      // Every shard holds the whole schema, each with its own ledger.
      const ledger = await node.query(sql`select version from schema_migrations order by version`);
      expect(ledger.map((r) => r.version)).toEqual(
        clickhouseMigrations({ database: 'spread' }).map((m) => m.version),
      );
      perShard.push(local as { n: number; c: number });
      await node.close();
    }
    expect(perShard.every((s) => s.n > 0)).toBe(true);
    expect(perShard[0]!.n + perShard[1]!.n).toBe(400);
    // Each (subsystem, component) stream wholly on one shard: no pair is counted on both.
    const streams = new Set(events.map((e) => `${e.subsystem}/${e.component}`)).size;
    expect(perShard[0]!.c + perShard[1]!.c).toBe(streams);
    await w.close();

    const other = await openWarehouse({ ...options, url: cluster.servers[1]!.url });
    expect((await other.events(all)).rows).toEqual([...events].sort((a, b) => b.ts - a.ts));
    await other.close();
  });

  it('applies retention on every shard', async () => {
    const day = 86_400_000_000;
    const today = Math.floor((Date.now() * 1000) / day) * day;
    const w = await openWarehouse({
      type: 'clickhouse',
      url: cluster.servers[1]!.url,
      database: 'retained',
      cluster: cluster.name,
      shards: cluster.servers.map((s) => s.url),
      retentionDays: 1,
    });
    const events = range(40).map((i) =>
      makeEvent(i, { component: `host-${i % 8}`, ts: today - (i % 2 ? 3 * day : 0) + i }),
    );
    await w.commit({ events, deadLetters: [], positions: [] });
    const kept = (await w.events(all)).rows;
    expect(kept.map((e) => e.id).sort()).toEqual(
      events
        .filter((e) => e.ts >= today)
        .map((e) => e.id)
        .sort(),
    );
    await w.close();
  });
});

describe('clickhouse replay backstop', () => {
  let server: ClickHouseServer;
  beforeAll(async () => {
    server = await startClickHouse();
  });
  afterAll(() => server?.stop());

  it('collapses duplicates that bypassed the replay guard once parts merge', async () => {
    const w = await openWarehouse({ type: 'clickhouse', url: server.url, database: 'backstop' });
    const events = range(20).map((i) => makeEvent(i));
    await w.commit({ events, deadLetters: [], positions: [] });
    // A second writer (unsupported, but possible) inserting the same rows behind the guard's back.
    const node = await openNode({ url: server.url, database: 'backstop' });
    await node.command(sql`insert into events select * from events`);
    expect((await w.counts()).events).toBe(40);
    await node.command(sql`optimize table events final`);
    expect((await w.counts()).events).toBe(20);
    expect((await w.events(all)).rows).toEqual([...events].reverse());
    await node.close();
    await w.close();
  });

  it('recovers from a failure between rows and positions: the retried batch stores each row once', async () => {
    const w = await openWarehouse({ type: 'clickhouse', url: server.url, database: 'crash' });
    const node = await openNode({ url: server.url, database: 'crash' });
    const position = { pipeline: 'sensors', fileId: 'f1', path: '/var/log/sensors.log', offset: 10_000 };
    const batch = {
      events: range(100).map((i) => makeEvent(i)),
      deadLetters: [makeDeadLetter(1)],
      positions: [position],
    };
    // The positions table disappears after the rows are written: the commit fails half done.
    await node.command(sql`rename table source_positions_log to source_positions_away`);
    await expect(w.commit(batch)).rejects.toThrow();
    expect((await w.counts()).events).toBe(100);
    await node.command(sql`rename table source_positions_away to source_positions_log`);
    expect(await w.positions()).toEqual([]);
    // The source re-reads from the old position: the same batch again.
    await w.commit(batch);
    expect(await w.counts()).toEqual({
      events: 100,
      deadLetters: 1,
      bySubsystem: { sensors: 34, gateway: 33, 'alarm-server': 33 },
    });
    expect(await w.positions()).toEqual([position]);
    await node.close();
    await w.close();
  });

  it('finds stored ids by key range, and by id list when the range holds too many rows', async () => {
    const w = await openWarehouse({ type: 'clickhouse', url: server.url, database: 'guard' });
    const stored = range(30).map((i) => makeEvent(i));
    await w.commit({ events: stored, deadLetters: [], positions: [] });
    const node = await openNode({ url: server.url, database: 'guard' });
    // Stored ev-20..29 interleave with new ids; ev-99 is new and widens the range.
    const batch = [
      ...range(15, 20).map((i) => makeEvent(i, { id: `new-${i}` })),
      ...range(10, 20).map((i) => makeEvent(i)),
      makeEvent(99),
    ];
    const expected = range(10, 20)
      .map((i) => `ev-${i}`)
      .sort();
    const inBatch = (ids: Set<string>) =>
      batch
        .map((e) => e.id)
        .filter((id) => ids.has(id))
        .sort();
    expect(inBatch(await storedEventIds(node, batch))).toEqual(expected);
    expect(inBatch(await storedEventIds(node, batch, 3))).toEqual(expected);
    await node.close();
    await w.close();
  });

  it('drops whole days older than retention_days, keeping today and the days within it', async () => {
    const day = 86_400_000_000;
    const today = Math.floor((Date.now() * 1000) / day) * day;
    const w = await openWarehouse({
      type: 'clickhouse',
      url: server.url,
      database: 'retention',
      retentionDays: 2,
    });
    const at = (i: number, ts: number) => makeEvent(i, { ts });
    const events = [
      at(1, today - 5 * day),
      at(2, today - 3 * day + 1),
      at(3, today - 2 * day),
      at(4, today - 1),
      at(5, today + 5),
    ];
    await w.commit({ events, deadLetters: [], positions: [] });
    expect((await w.events(all)).rows.map((e) => e.id).sort()).toEqual(['ev-3', 'ev-4', 'ev-5']);
    await w.close();
  });
});

describe('clickhouse configuration errors', () => {
  it('says what to check when the server cannot be reached or the cluster lacks its shards', async () => {
    const closed = await startClickHouse();
    const url = closed.url;
    await closed.stop();
    const unreachable = await openWarehouse({ type: 'clickhouse', url, database: 'x' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isUserError(unreachable) && unreachable.code === 'config_invalid').toBe(true);
    expect(String((unreachable as Error).message)).toContain(url);
    const noShards = await openWarehouse({ type: 'clickhouse', url, database: 'x', cluster: 'c' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isUserError(noShards) && noShards.code === 'config_invalid').toBe(true);
  });

  it('opens the warehouse a configuration file names', async () => {
    const server = await startClickHouse();
    const dir = mkdtempSync(join(tmpdir(), 'mortar-ch-config-'));
    try {
      const file = join(dir, 'mortar.yaml');
      writeFileSync(
        file,
        `warehouse: { type: clickhouse, url: "${server.url}", database: from_config, retention_days: 30 }\n`,
      );
      const config = loadConfig(file);
      const options = warehouseOptionsFor(config);
      expect(options).toEqual({
        type: 'clickhouse',
        url: server.url,
        database: 'from_config',
        retentionDays: 30,
      });
      const w = await openWarehouse(options);
      // One event from today and one older than retention_days, which retention drops.
      const now = Date.now() * 1000;
      await w.commit({
        events: [makeEvent(1, { ts: now }), makeEvent(2, { ts: now - 40 * 86_400_000_000 })],
        deadLetters: [],
        positions: [],
      });
      expect((await w.events(all)).rows.map((e) => e.id)).toEqual(['ev-1']);
      await w.close();

      writeFileSync(
        file,
        `warehouse: { type: clickhouse, url: "${server.url}", password_env: MORTAR_TEST_UNSET_PASSWORD }\n`,
      );
      expect(() => warehouseOptionsFor(loadConfig(file))).toThrow(/MORTAR_TEST_UNSET_PASSWORD/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await server.stop();
    }
  });
});
