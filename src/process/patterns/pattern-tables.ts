// The derived tables of pattern mining (rebuildable from events: drop them and the runner mines
// everything again). Times are integer UTC microseconds.
// - pattern_templates: per pipeline (source) and template id, the template, its tokens (JSON, to
//   restore the miner after a restart) and whether a word of it varied, count, first/last seen and up to a few example messages;
// - pattern_events: which template each event got (the event -> template mapping);
// - pattern_changes: detected changes: a template never seen before, a rate that jumped or fell;
// - pattern_state: the ingest-time watermark up to which events were mined, and overflow counts.
import { sql } from '../../warehouse/sql.ts';

export const PATTERN_TABLES = [
  sql`create table if not exists ${sql.id('pattern_templates')} (
    pipeline varchar not null, subsystem varchar not null, id varchar not null, template varchar not null,
    tokens varchar not null, varied boolean not null, count bigint not null, first_us bigint not null,
    last_us bigint not null, examples varchar not null)`,
  sql`create table if not exists ${sql.id('pattern_events')} (
    event_id varchar not null, pipeline varchar not null, template_id varchar not null,
    ts_us bigint not null, received_us bigint not null)`,
  sql`create table if not exists ${sql.id('pattern_changes')} (
    pipeline varchar not null, subsystem varchar not null, component varchar not null,
    template_id varchar not null, kind varchar not null, at_us bigint not null,
    recent bigint not null, baseline double not null, detail varchar not null)`,
  sql`create table if not exists ${sql.id('pattern_state')} (
    pipeline varchar not null, watermark_us bigint not null, overflow bigint not null)`,
];
