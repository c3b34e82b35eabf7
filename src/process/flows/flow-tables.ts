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
];
