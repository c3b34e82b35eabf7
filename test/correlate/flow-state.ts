// The flow processors' state tables, for correlate tests that start a flow over from nothing.
import { type Sql, sql } from '../../src/warehouse/sql.ts';

const FLOW_STATE_TABLES = [
  'flow_alerts',
  'flow_steps',
  'flow_hops',
  'flow_keys',
  'flow_pending',
  'flow_marks',
  'flow_progress',
] as const;

/** Statements that empty every flow state table. */
export const clearFlowState = (): Sql[] => FLOW_STATE_TABLES.map((t) => sql`delete from ${sql.id(t)}`);
