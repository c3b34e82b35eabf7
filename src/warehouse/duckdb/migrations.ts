// DuckDB's schema, as numbered migrations (the runner is ../migrate.ts). Times are TIMESTAMP
// holding UTC: DuckDB stores them as epoch microseconds, exactly Mortar's resolution.
//
// events.id has no PRIMARY KEY: measured (measureCommits.ts) it costs ~15-20% of append
// throughput, its index grows with all history, and the appender cannot skip conflicts, so one
// replayed id would abort a whole commit. Exactly-once comes from committing positions in the
// same transaction as the rows; ids stay deterministic so duplicates can still be found.
import type { Migration } from '../migrate.ts';
import { sql } from '../sql.ts';

export const DUCKDB_LEDGER = sql`create table if not exists schema_migrations (
  version INTEGER PRIMARY KEY,
  name VARCHAR NOT NULL,
  applied_at TIMESTAMP NOT NULL
)`;

export const DUCKDB_MIGRATIONS: readonly Migration[] = Object.freeze([
  {
    version: 1,
    name: 'events, dead letters, source positions',
    statements: [
      sql`create table if not exists events (
        id VARCHAR NOT NULL,
        ts TIMESTAMP NOT NULL,
        received_at TIMESTAMP NOT NULL,
        subsystem VARCHAR NOT NULL,
        component VARCHAR NOT NULL,
        source VARCHAR NOT NULL,
        kind VARCHAR NOT NULL,
        type VARCHAR NOT NULL,
        severity VARCHAR NOT NULL,
        keys MAP(VARCHAR, VARCHAR) NOT NULL,
        attrs JSON NOT NULL,
        message VARCHAR NOT NULL,
        raw VARCHAR NOT NULL,
        pipeline VARCHAR NOT NULL,
        file VARCHAR NOT NULL,
        "offset" BIGINT NOT NULL
      )`,
      sql`create table if not exists dead_letters (
        id VARCHAR NOT NULL,
        received_at TIMESTAMP NOT NULL,
        source VARCHAR NOT NULL,
        pipeline VARCHAR NOT NULL,
        file VARCHAR NOT NULL,
        "offset" BIGINT NOT NULL,
        stage VARCHAR NOT NULL,
        reason VARCHAR NOT NULL,
        raw VARCHAR NOT NULL
      )`,
      sql`create table if not exists source_positions (
        pipeline VARCHAR NOT NULL,
        file_id VARCHAR NOT NULL,
        path VARCHAR NOT NULL,
        "offset" BIGINT NOT NULL,
        updated_at TIMESTAMP NOT NULL,
        PRIMARY KEY (pipeline, file_id)
      )`,
    ],
  },
  {
    version: 2,
    name: 'source position checksums',
    // What the file source checks before resuming at a position (head print, bytes before the
    // offset); opaque here. Null for positions written before it existed.
    statements: [sql`alter table source_positions add column if not exists checksum VARCHAR`],
  },
]);
