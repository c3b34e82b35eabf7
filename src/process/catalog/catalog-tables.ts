// The derived tables of the catalog (rebuildable from events: drop them and the processor starts
// over from the first event):
// - catalog_state: how far the processor has read (by ingest time), written in the same
//   transaction as the statistics, so a restart neither skips nor counts twice;
// - catalog_types: per pipeline, subsystem and event type: events, first/last seen, rate state;
// - catalog_fields: per field of those: fill, value classes (the inferred type), first/last seen;
// - catalog_values: per field the K values with the smallest hashes: a mergeable distinct-count
//   sketch (k minimum values) whose first few entries double as a uniform sample of examples;
// - catalog_rates: events per type per minute of event time;
// - catalog_drift: one row per detected change (new field or type, type change, vanished field,
//   collapsed or recovered rate) with when it was detected.
import { sql } from '../../warehouse/sql.ts';

export const SKETCH_K = 256;
export const RATE_BUCKET_US = 60_000_000;

export const CATALOG_TABLES = [
  sql`create table if not exists catalog_state (name varchar not null, hi_received_us bigint not null, runs bigint not null)`,
  sql`create table if not exists catalog_types (
    pipeline varchar not null, subsystem varchar not null, type varchar not null, events bigint not null,
    first_us bigint not null, last_us bigint not null, collapsed boolean not null, baseline double)`,
  sql`create table if not exists catalog_fields (
    pipeline varchar not null, subsystem varchar not null, type varchar not null, field varchar not null,
    source varchar not null, present bigint not null, classes varchar not null, numbers bigint not null,
    first_us bigint not null, last_us bigint not null, recent_type varchar, vanished boolean not null)`,
  sql`create table if not exists catalog_values (
    pipeline varchar not null, subsystem varchar not null, type varchar not null, field varchar not null,
    h double not null, value varchar not null)`,
  sql`create table if not exists catalog_rates (
    pipeline varchar not null, subsystem varchar not null, type varchar not null, bucket_us bigint not null, events bigint not null)`,
  sql`create table if not exists catalog_drift (
    detected_us bigint not null, at_us bigint not null, pipeline varchar not null, subsystem varchar not null,
    type varchar not null, field varchar, change varchar not null, detail varchar not null)`,
];
