// The ClickHouse engine behind the Warehouse seam: reads and writes go to the entry server
// (`url`); on a cluster the tables there are Distributed, so the entry server fans out. Schema
// changes go to every server of `shards` (there is no ON CLUSTER without ZooKeeper), each with
// its own migration ledger. Writes (commits, execute) are serialised in this process; the
// exactly-once design of a commit is described in commitBatch.ts. Unlike DuckDB, `execute` runs
// its statements one after another without a transaction (ClickHouse has none), and reads are
// not snapshots: on a cluster a read during a commit may see one shard's share of it.
import { UserError } from '../../events/errors.ts';
import { nowUs } from '../../events/time.ts';
import type { Engine } from '../engine.ts';
import { applyMigrations } from '../migrate.ts';
import { SerialQueue } from '../serialQueue.ts';
import { sql } from '../sql.ts';
import { clickhouseDialect } from './clickhouseDialect.ts';
import { commitBatch } from './commitBatch.ts';
import { deleteWhere } from './deleteRows.ts';
import { CLICKHOUSE_LEDGER, clickhouseMigrations, localName } from './migrations.ts';
import { type ClickHouseNode, openNode } from './node.ts';
import { dropOldPartitions, firstKeptDay } from './retention.ts';

export interface ClickHouseWarehouseOptions {
  type: 'clickhouse';
  /** HTTP interface of the server that takes queries and writes, e.g. http://127.0.0.1:8123. */
  url: string;
  database: string;
  username?: string;
  password?: string;
  /** Cluster name in the servers' `remote_servers`: tables become Distributed over its shards. */
  cluster?: string;
  /** With `cluster`: the HTTP URL of every shard's server, where the schema is created. */
  shards?: string[];
  /** Keep events of this many whole UTC days before today; older days are dropped (hourly). */
  retentionDays?: number;
}

const RETENTION_EVERY_US = 3_600_000_000;

export async function openClickHouseEngine(o: ClickHouseWarehouseOptions): Promise<Engine> {
  if (o.cluster !== undefined && (o.shards ?? []).length === 0) {
    throw new UserError('config_invalid', `warehouse.cluster ${o.cluster} needs warehouse.shards`, [
      { where: 'warehouse.shards', message: 'missing', hint: "list every shard server's HTTP URL" },
    ]);
  }
  const auth = { database: o.database, username: o.username, password: o.password };
  const entry = await openNode({ url: o.url, ...auth });
  const layout = { database: o.database, ...(o.cluster ? { cluster: o.cluster } : {}) };
  const writes = new SerialQueue();
  let closed = false;
  let lastVersion = 0;
  const version = () => {
    lastVersion = Math.max(nowUs(), lastVersion + 1);
    return lastVersion;
  };
  const live = (): void => {
    if (closed) throw new Error('the warehouse is closed');
  };

  /** Every server holding MergeTree tables: the shards, or the one server. */
  async function eachStorageNode(fn: (node: ClickHouseNode) => Promise<void>): Promise<void> {
    if (!o.cluster) return fn(entry);
    for (const url of o.shards ?? []) {
      const node = await openNode({ url, ...auth });
      try {
        await fn(node);
      } finally {
        await node.close();
      }
    }
  }

  let retentionRanAt = 0;
  async function enforceRetention(): Promise<void> {
    const days = o.retentionDays;
    if (days === undefined || nowUs() - retentionRanAt < RETENTION_EVERY_US) return;
    retentionRanAt = nowUs();
    const keepFrom = firstKeptDay(nowUs(), days);
    await eachStorageNode(async (node) => {
      await dropOldPartitions(node, o.database, localName(layout, 'events'), keepFrom);
    });
  }

  async function migrateNode(node: ClickHouseNode): Promise<void> {
    await applyMigrations(
      {
        ledger: CLICKHOUSE_LEDGER,
        exec: async (q) => {
          const isSelect = /^\s*select\b/i.test(q.strings[0] ?? '');
          if (isSelect) return node.query(q);
          await node.command(q);
          return [];
        },
        transaction: (fn) => fn(),
      },
      clickhouseMigrations(layout),
    );
  }

  return {
    dialect: clickhouseDialect,

    // No snapshot across statements: ClickHouse reads each see the latest inserted parts.
    async read(queries, options) {
      live();
      const results = [];
      for (const q of queries) {
        options?.signal?.throwIfAborted();
        results.push(await entry.query(q, options?.signal));
      }
      return results;
    },

    async migrate() {
      live();
      await writes.run(async () => {
        // On a cluster every shard first, so the Distributed tables find their local tables.
        await eachStorageNode(migrateNode);
        if (o.cluster && !(o.shards ?? []).includes(o.url)) await migrateNode(entry);
      });
    },

    async execute(statements) {
      live();
      await writes.run(async () => {
        for (const q of statements) await entry.command(q);
      });
    },

    async commit(batch) {
      live();
      await writes.run(async () => {
        await commitBatch(entry, batch, {
          version,
          deleteDeadLetters: (ids) =>
            eachStorageNode((node) =>
              deleteWhere(node, o.database, localName(layout, 'dead_letters'), sql`id in (${sql.list(ids)})`),
            ),
        });
        await enforceRetention();
      });
    },

    async close() {
      if (closed) return;
      closed = true;
      await writes.idle();
      await entry.close();
    },
  };
}
