// The tables of link inference: `link_candidates` is derived (replaced by every run: the edges
// proposed from the latest window and the links explained away, with their evidence as JSON);
// `link_decisions` is not derived but user data: what someone accepted or dismissed, kept across
// runs and restarts (an accepted edge stays even when its traffic pauses). These are DuckDB's;
// ClickHouse's are logs behind views made by its migrations (warehouse/clickhouse/derivedSchema.ts).
import { sql } from '../../warehouse/sql.ts';

export const LINK_TABLES = [
  sql`create table if not exists link_candidates (
    id varchar not null, from_subsystem varchar not null, to_subsystem varchar not null, kind varchar not null,
    confidence double not null, body varchar not null, window_from_us bigint not null, window_to_us bigint not null,
    computed_us bigint not null)`,
  sql`create table if not exists link_decisions (
    id varchar not null, from_subsystem varchar not null, to_subsystem varchar not null, from_field varchar not null,
    to_field varchar not null, from_type varchar not null, to_type varchar not null, decision varchar not null,
    decided_us bigint not null, decided_by varchar not null)`,
];
