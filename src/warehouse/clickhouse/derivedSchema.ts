// The derived tables' shapes on ClickHouse (DuckDB's are created by their processors): the same
// columns as the embedded tables, each as a log plus a view (derivedTables.ts). Listed here, in
// the warehouse, so that migrations create them on every shard before any processor runs.
import { sql } from '../sql.ts';
import type { DerivedTable } from './derivedTables.ts';

const S = sql`String`;
const NS = sql`Nullable(String)`;
const I64 = sql`Int64`;
const NI64 = sql`Nullable(Int64)`;
const I32 = sql`Int32`;

export const FLOW_DERIVED: readonly DerivedTable[] = [
  {
    name: 'flow_alerts',
    columns: [
      ['flow', S],
      ['root', S],
      ['root_us', I64],
      ['state', S],
      ['e2e_us', NI64],
      ['missing', NS],
      ['gaps', I32],
      ['updated_us', I64],
    ],
    key: ['flow', 'root'],
  },
  {
    name: 'flow_steps',
    columns: [
      ['flow', S],
      ['root', S],
      ['root_us', I64],
      ['step', S],
      ['step_index', I32],
      ['t_us', I64],
      ['component', NS],
      ['event_id', NS],
    ],
    key: ['flow', 'root', 'step_index'],
  },
  {
    name: 'flow_hops',
    columns: [
      ['flow', S],
      ['root', S],
      ['root_us', I64],
      ['from_step', S],
      ['to_step', S],
      ['from_component', NS],
      ['to_component', NS],
      ['latency_us', I64],
      ['sla_us', NI64],
      ['breach', sql`UInt8`],
    ],
    key: ['flow', 'root', 'to_step'],
  },
  // How far each flow's alerts are final (processed for good) and the event-time now of its last run.
  {
    name: 'flow_progress',
    columns: [
      ['flow', S],
      ['done_us', I64],
      ['now_us', I64],
    ],
    key: ['flow'],
  },
];

const U8 = sql`UInt8`;

// Health time lines and conditions (process/health/health-tables.ts): intervals that never overlap
// per time line, so a line's key plus from_us identifies a row.
export const HEALTH_DERIVED: readonly DerivedTable[] = [
  {
    name: 'health_transitions',
    columns: [
      ['level', S],
      ['subsystem', S],
      ['component', S],
      ['state', S],
      ['from_us', I64],
      ['to_us', I64],
      ['reason', NS],
      ['rule', NS],
      ['caused_by', NS],
      ['suppressed_by', NS],
      ['flapping', U8],
    ],
    key: ['level', 'subsystem', 'component', 'from_us'],
  },
  {
    name: 'health_conditions',
    columns: [
      ['scope', S],
      ['subsystem', S],
      ['component', S],
      ['rule', S],
      ['state', S],
      ['from_us', I64],
      ['to_us', I64],
      ['event_id', NS],
    ],
    key: ['scope', 'subsystem', 'component', 'rule', 'from_us'],
  },
];

// Pattern mining (process/patterns/pattern-tables.ts). Keys make every write of the miner
// idempotent: an event's mapping by its id, a template by (pipeline, id), a change by what it
// says and when, the state by pipeline ('' holds the watermark).
export const PATTERN_DERIVED: readonly DerivedTable[] = [
  {
    name: 'pattern_templates',
    columns: [
      ['pipeline', S],
      ['subsystem', S],
      ['id', S],
      ['template', S],
      ['tokens', S],
      ['varied', sql`UInt8`],
      ['count', I64],
      ['first_us', I64],
      ['last_us', I64],
      ['examples', S],
    ],
    key: ['pipeline', 'id'],
  },
  {
    name: 'pattern_events',
    columns: [
      ['event_id', S],
      ['pipeline', S],
      ['template_id', S],
      ['ts_us', I64],
      ['received_us', I64],
    ],
    key: ['event_id'],
  },
  {
    name: 'pattern_changes',
    columns: [
      ['pipeline', S],
      ['subsystem', S],
      ['component', S],
      ['template_id', S],
      ['kind', S],
      ['at_us', I64],
      ['recent', I64],
      ['baseline', sql`Float64`],
      ['detail', S],
    ],
    key: ['pipeline', 'template_id', 'kind', 'at_us'],
  },
  {
    name: 'pattern_state',
    columns: [
      ['pipeline', S],
      ['watermark_us', I64],
      ['overflow', I64],
    ],
    key: ['pipeline'],
  },
];

// Catalog discovery (process/catalog/catalog-tables.ts). Drift keeps its nullable field also as
// `field_key` ('' for none): a sorting key cannot hold a Nullable column. catalog_journal holds
// one run's final rows before they are applied (catalog-clickhouse.ts), so a run that dies
// between its writes is finished from it instead of merged twice; its key is the row's position,
// so it never outgrows the largest run.
const F64 = sql`Float64`;
export const CATALOG_DERIVED: readonly DerivedTable[] = [
  {
    name: 'catalog_state',
    columns: [
      ['name', S],
      ['hi_received_us', I64],
      ['runs', I64],
    ],
    key: ['name'],
  },
  {
    name: 'catalog_types',
    columns: [
      ['pipeline', S],
      ['subsystem', S],
      ['type', S],
      ['events', I64],
      ['first_us', I64],
      ['last_us', I64],
      ['collapsed', U8],
      ['baseline', sql`Nullable(Float64)`],
    ],
    key: ['pipeline', 'subsystem', 'type'],
  },
  {
    name: 'catalog_fields',
    columns: [
      ['pipeline', S],
      ['subsystem', S],
      ['type', S],
      ['field', S],
      ['source', S],
      ['present', I64],
      ['classes', S],
      ['numbers', I64],
      ['first_us', I64],
      ['last_us', I64],
      ['recent_type', NS],
      ['vanished', U8],
    ],
    key: ['pipeline', 'subsystem', 'type', 'field'],
  },
  {
    name: 'catalog_values',
    columns: [
      ['pipeline', S],
      ['subsystem', S],
      ['type', S],
      ['field', S],
      ['h', F64],
      ['value', S],
    ],
    key: ['pipeline', 'subsystem', 'type', 'field', 'h', 'value'],
  },
  {
    name: 'catalog_rates',
    columns: [
      ['pipeline', S],
      ['subsystem', S],
      ['type', S],
      ['bucket_us', I64],
      ['events', I64],
    ],
    key: ['pipeline', 'subsystem', 'type', 'bucket_us'],
  },
  {
    name: 'catalog_drift',
    columns: [
      ['detected_us', I64],
      ['at_us', I64],
      ['pipeline', S],
      ['subsystem', S],
      ['type', S],
      ['field', NS],
      ['change', S],
      ['detail', S],
      ['field_key', S],
    ],
    key: ['pipeline', 'subsystem', 'type', 'field_key', 'change', 'at_us', 'detected_us'],
  },
  {
    name: 'catalog_journal',
    columns: [
      ['seq', I64],
      ['run', I64],
      ['tbl', S],
      ['row', S],
      ['deleted', U8],
    ],
    key: ['seq'],
  },
];

// Link inference (process/links/link-tables.ts). Candidates are replaced by every run (one row
// per subsystem pair's relation, keyed by its id); decisions are user data, one live row per
// relation id (a new decision is a new version), kept across runs.
export const LINK_DERIVED: readonly DerivedTable[] = [
  {
    name: 'link_candidates',
    columns: [
      ['id', S],
      ['from_subsystem', S],
      ['to_subsystem', S],
      ['kind', S],
      ['confidence', F64],
      ['body', S],
      ['window_from_us', I64],
      ['window_to_us', I64],
      ['computed_us', I64],
    ],
    key: ['id'],
  },
  {
    name: 'link_decisions',
    columns: [
      ['id', S],
      ['from_subsystem', S],
      ['to_subsystem', S],
      ['from_field', S],
      ['to_field', S],
      ['from_type', S],
      ['to_type', S],
      ['decision', S],
      ['decided_us', I64],
      ['decided_by', S],
    ],
    key: ['id'],
  },
];
