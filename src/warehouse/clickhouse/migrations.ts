// ClickHouse's schema, as numbered migrations (the runner is ../migrate.ts; ClickHouse has no
// DDL transactions, so every statement is `if not exists` and a half-applied step re-runs safely).
// Every time column is Int64 UTC microseconds (18.16 has no DateTime64).
//
// events: ReplacingMergeTree ordered by (subsystem, ts, id) and partitioned by UTC day, which
// serves the cockpit's reads (a time window, optionally per subsystem) from a narrow key range
// and lets retention drop whole days. A replayed event has the same id, hence the same
// subsystem and ts, hence the same sorting key: merges collapse any duplicate the commit's
// replay guard (commitBatch.ts) could not see.
// source_positions: an append-only log (ReplacingMergeTree by updated_at) behind a view that
// picks each file's latest row, so a position "upsert" is a plain insert.
//
// Cluster mode (no ZooKeeper needed): each shard gets the MergeTree tables as `<name>_local`
// and, under the plain name, a Distributed table over them, so any server can take reads and
// writes. Shard keys: events by (subsystem, component), keeping one component's stream (the unit
// of health, the order of its heartbeats) on one shard while spreading load over the many
// components; dead letters by (pipeline, file); positions by (pipeline, file_id). Each key is a
// function of the row's identity, so a replayed row lands on the shard holding its first copy
// and the local ReplacingMergeTree can collapse it.
import type { Migration } from '../migrate.ts';
import { type Sql, sql } from '../sql.ts';
import { ACCESS_SESSION_OIDC, accessPolicyDdl, accessTablesDdl } from './accessSchema.ts';
import {
  CATALOG_DERIVED,
  FLOW_DERIVED,
  HEALTH_DERIVED,
  LINK_DERIVED,
  PATTERN_DERIVED,
} from './derivedSchema.ts';
import { derivedTableDdl } from './derivedTables.ts';
import { LEASE_DERIVED } from './leaseSchema.ts';

export interface ClickHouseLayout {
  database: string;
  /** Cluster name from the servers' `remote_servers`; absent for a single server. */
  cluster?: string;
}

export const CLICKHOUSE_LEDGER = sql`create table if not exists schema_migrations (
  version UInt32,
  name String,
  applied_at Int64
) engine = MergeTree order by version`;

const offset = sql.id('offset');

const EVENT_COLUMNS = sql`id String, ts Int64, received_at Int64, subsystem String, component String,
  source String, kind String, type String, severity String, keys String, attrs String,
  message String, raw String, pipeline String, file String, ${offset} Int64`;

const DEAD_LETTER_COLUMNS = sql`id String, received_at Int64, source String, pipeline String,
  file String, ${offset} Int64, stage String, reason String, raw String`;

const POSITION_COLUMNS = sql`pipeline String, file_id String, path String, ${offset} Int64,
  checksum Nullable(String), updated_at Int64`;

/** The physical (MergeTree) name of a table: `<name>_local` on a cluster. */
export function localName(layout: ClickHouseLayout, name: string): string {
  return layout.cluster ? `${name}_local` : name;
}

function table(layout: ClickHouseLayout, name: string, columns: Sql, engine: Sql, shardKey: Sql): Sql[] {
  const local = localName(layout, name);
  const create = sql`create table if not exists ${sql.id(local)} (${columns}) engine = ${engine}`;
  if (!layout.cluster) return [create];
  return [
    create,
    sql`create table if not exists ${sql.id(name)} as ${sql.id(local)}
      engine = Distributed(${layout.cluster}, ${layout.database}, ${local}, ${shardKey})`,
  ];
}

export function clickhouseMigrations(layout: ClickHouseLayout): readonly Migration[] {
  return Object.freeze([
    {
      version: 1,
      name: 'events, dead letters, source positions',
      statements: [
        ...table(
          layout,
          'events',
          EVENT_COLUMNS,
          sql`ReplacingMergeTree() partition by toYYYYMMDD(toDateTime(intDiv(ts, 1000000))) order by (subsystem, ts, id)`,
          sql`cityHash64(subsystem, component)`,
        ),
        ...table(
          layout,
          'dead_letters',
          DEAD_LETTER_COLUMNS,
          sql`ReplacingMergeTree() order by (pipeline, id)`,
          sql`cityHash64(pipeline, file)`,
        ),
        ...table(
          layout,
          'source_positions_log',
          POSITION_COLUMNS,
          sql`ReplacingMergeTree(updated_at) order by (pipeline, file_id)`,
          sql`cityHash64(pipeline, file_id)`,
        ),
        // Inner names differ from the outer aliases: ClickHouse resolves aliases before columns.
        sql`create view if not exists source_positions as
          select pipeline, file_id, argMax(p, u) as path, argMax(o, u) as ${offset},
            argMax(c, u) as checksum, max(u) as updated_at
          from (select pipeline, file_id, path as p, ${offset} as o, checksum as c, updated_at as u
            from source_positions_log)
          group by pipeline, file_id`,
      ],
    },
    {
      version: 2,
      name: 'flow alerts, steps, hops and progress (derived, as logs behind views)',
      statements: FLOW_DERIVED.flatMap((t) => derivedTableDdl(layout, t)),
    },
    {
      version: 3,
      name: 'health transitions and conditions (derived, as logs behind views)',
      statements: HEALTH_DERIVED.flatMap((t) => derivedTableDdl(layout, t)),
    },
    {
      version: 4,
      name: 'processor lease (one active processor among servers)',
      statements: LEASE_DERIVED.flatMap((t) => derivedTableDdl(layout, t)),
    },
    {
      version: 5,
      name: 'pattern templates, event mapping, changes and state (derived, as logs behind views)',
      statements: PATTERN_DERIVED.flatMap((t) => derivedTableDdl(layout, t)),
    },
    {
      version: 6,
      name: 'catalog types, fields, value sketch, rates, drift, state and journal (derived, as logs behind views)',
      statements: CATALOG_DERIVED.flatMap((t) => derivedTableDdl(layout, t)),
    },
    {
      version: 7,
      name: 'access store: users, sessions, tokens, login failures, pending OIDC sign-ins, audit log',
      statements: accessTablesDdl(layout),
    },
    {
      version: 8,
      name: 'link candidates and decisions (as logs behind views)',
      statements: LINK_DERIVED.flatMap((t) => derivedTableDdl(layout, t)),
    },
    {
      version: 9,
      name: 'access store: how OIDC sessions began (ID token for the provider logout)',
      statements: derivedTableDdl(layout, ACCESS_SESSION_OIDC),
    },
    {
      version: 10,
      name: 'access store: the access policy saved on the admin page (roles, scopes, masks)',
      statements: accessPolicyDdl(layout),
    },
  ]);
}
