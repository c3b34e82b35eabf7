// The derived tables of health processing (rebuildable from events at any time). Both hold
// intervals [from_us, to_us) in integer UTC microseconds that never overlap per key:
// - health_transitions: the time line of every component, subsystem and the system, one row per
//   state held (a transition into `state` at from_us), with its reason and evidence;
// - health_conditions: the rule intervals behind them (what held, even when a worse state hid it),
//   which also carry open conditions from one processed window into the next.
import { sql } from '../../warehouse/sql.ts';

export interface IntervalTable {
  name: string;
  /** Columns that identify one time line. */
  keys: string[];
  /** Columns compared when neighbours merge. */
  values: string[];
}

export const TRANSITIONS: IntervalTable = {
  name: 'health_transitions',
  keys: ['level', 'subsystem', 'component'],
  values: ['state', 'reason', 'rule', 'caused_by', 'suppressed_by', 'flapping'],
};

export const CONDITIONS: IntervalTable = {
  name: 'health_conditions',
  keys: ['scope', 'subsystem', 'component', 'rule'],
  values: ['state', 'event_id'],
};

export const HEALTH_TABLES = [
  sql`create table if not exists ${sql.id(TRANSITIONS.name)} (
    level varchar not null, subsystem varchar not null, component varchar not null, state varchar not null,
    from_us bigint not null, to_us bigint not null, reason varchar, rule varchar, caused_by varchar,
    suppressed_by varchar, flapping boolean not null)`,
  sql`create table if not exists ${sql.id(CONDITIONS.name)} (
    scope varchar not null, subsystem varchar not null, component varchar not null, rule varchar not null,
    state varchar not null, from_us bigint not null, to_us bigint not null, event_id varchar)`,
];
