// The derived tables of flow processing (rebuildable from events at any time): one row per alert,
// per seen step and per hop. Times are integer UTC microseconds, so every engine stores them alike.
import { type Sql, sql } from '../../warehouse/sql.ts';

export const FLOW_TABLES: Sql[] = [
  sql`create table if not exists ${sql.id('flow_alerts')} (
    flow varchar not null, root varchar not null, root_us bigint not null, state varchar not null,
    e2e_us bigint, missing varchar, gaps integer not null, updated_us bigint not null)`,
  sql`create table if not exists ${sql.id('flow_steps')} (
    flow varchar not null, root varchar not null, root_us bigint not null, step varchar not null,
    step_index integer not null, t_us bigint not null, component varchar, event_id varchar)`,
  sql`create table if not exists ${sql.id('flow_hops')} (
    flow varchar not null, root varchar not null, root_us bigint not null, from_step varchar not null,
    to_step varchar not null, from_component varchar, to_component varchar, latency_us bigint not null,
    sla_us bigint, breach boolean not null)`,
  // Incremental processing's state (flow-incremental.ts): bridged ids seen so far, step events whose
  // bridge has not arrived yet, event-time watermarks per step, and how far the events were read.
  sql`create table if not exists ${sql.id('flow_keys')} (
    flow varchar not null, key varchar not null, v varchar not null, root varchar not null, t_us bigint not null)`,
  sql`create table if not exists ${sql.id('flow_pending')} (
    flow varchar not null, si integer not null, kn varchar not null, v varchar not null, us bigint not null,
    c varchar, e varchar not null)`,
  sql`create table if not exists ${sql.id('flow_marks')} (flow varchar not null, si integer not null, w_us bigint not null)`,
  sql`create table if not exists ${sql.id('flow_progress')} (
    flow varchar not null, received_us bigint not null, now_us bigint not null, dropped bigint not null,
    overflow bigint not null, deferred bigint not null, touched bigint not null)`,
];
