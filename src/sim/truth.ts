// Ground truth: what really happened, written next to the logs as `truth.jsonl` so tests can
// check whether Mortar tells the truth. Step names equal the event types the demo pipelines map
// to. Every time is ISO-8601 UTC with microseconds. A step has two times: `ts`, what its log line
// says (truncated to the format's precision, the writer's clock error included), and `true_ts`,
// when it really happened. TRUTH.md is the contract; keep it in step with these types.
import { isoUtc } from './formats/time.ts';

/** The correlation ids a step's log line carries. */
export interface StepIds {
  evt?: string;
  alarm_ref?: string;
  alarm_id?: string;
}

export interface TruthStep {
  subsystem: string;
  component: string;
  step: string;
  /** As written in the log, read back as UTC: the log's precision and the writer's clock. */
  ts: string;
  /** When it really happened (microseconds, the simulator's clock). */
  true_ts: string;
  ids: StepIds;
  /** The line carrying this step was garbled on purpose: the step will appear as a dead letter. */
  corrupt?: true;
  /** The component was silent: the step happened but its line was never written. */
  unlogged?: true;
}

/** Where an alarm vanished: the subsystem whose step never happened. */
export type LostAt = 'gateway' | 'alarm-server' | 'video' | 'console';

/** A step that will never happen: the first one missing on its branch of the path. */
export interface MissingStep {
  step: string;
  /** Where it should have happened. */
  subsystem: string;
  component: string;
  /** The step before it on its branch, which did happen. */
  after: string;
  /** Needed for the alarm to count as handled (see REQUIRED_STEPS). */
  required: boolean;
}

/** complete: every required step happened; else by the run's end: in_flight, stuck or lost. */
export type AlarmOutcome = 'complete' | 'in_flight' | 'stuck' | 'lost';

export interface AlarmTruth {
  kind: 'alarm';
  evt: string;
  alarm_ref: string;
  alarm_id: string | null;
  sensor: string;
  zone: string;
  prio: number;
  /** The console the alarm is routed to. */
  console: string;
  steps: TruthStep[];
  lost_at: LostAt | null;
  /** cleared: went all the way; lost: stopped at `lost_at`; in_flight: the run ended first. */
  status: 'cleared' | 'lost' | 'in_flight';
  outcome: AlarmOutcome;
  missing: MissingStep[];
  /** Incomplete alarms: first step's true time + deadline / + horizon; null when complete. */
  stuck_from: string | null;
  lost_from: string | null;
  /** Complete alarms: latest required step minus the first, true times, microseconds. */
  e2e_us: number | null;
}

export interface HeartbeatTruth {
  kind: 'heartbeat';
  subsystem: string;
  component: string;
  ts: string;
  true_ts: string;
  corrupt?: true;
}

/** A component that was down (wrote nothing) from `from` to `to` (null: still down at the end). */
export interface OutageTruth {
  kind: 'outage';
  subsystem: string;
  component: string;
  from: string;
  to: string | null;
  /** The standby that took over, and when. */
  takeover_by: string | null;
  takeover_at: string | null;
}

export type HealthState = 'ok' | 'stale' | 'degraded' | 'failed';

/** One interval of a component's (or, with component null, a subsystem's) true health. */
export interface HealthTruth {
  kind: 'health';
  subsystem: string;
  component: string | null;
  state: HealthState;
  from: string;
  to: string;
  /** Why (informational): down, no heartbeat, not displaying alarms, no active node, ... */
  reason: string | null;
}

/** A connection that carried alarm traffic: a run of hops from one component to another. */
export interface EdgeTruth {
  kind: 'edge';
  from_subsystem: string;
  from_component: string;
  to_subsystem: string;
  to_component: string;
  /** The hop: the sender's step and the receiver's step. */
  from_step: string;
  to_step: string;
  /** True times of the first and last receiving step in this run of hops. */
  first: string;
  last: string;
  count: number;
}

export interface ScenarioTruth {
  kind: 'scenario';
  name: string;
  params: Record<string, string | number>;
  planned_from: string;
  /** null: lasts until the run ends. */
  planned_to: string | null;
  /** When the fault really began and ended; null: not reached / still in effect at the end. */
  from: string | null;
  to: string | null;
  facts: Record<string, string | number | null>;
}

export interface RunTruth {
  kind: 'run';
  mode: 'batch' | 'realtime';
  seed: number;
  start: string;
  end: string;
  scenarios: string[];
  components: Record<string, readonly string[]>;
  ha_pairs: Record<string, readonly string[]>;
  /** Sensor controller -> the console its alarms are shown on. */
  routes: Record<string, string>;
  heartbeat_s: Record<string, number>;
  stale_after_s: Record<string, number>;
  deadline_s: number;
  horizon_s: number;
  required_steps: readonly string[];
}

export type TruthRecord =
  | AlarmTruth
  | HeartbeatTruth
  | OutageTruth
  | HealthTruth
  | EdgeTruth
  | ScenarioTruth
  | RunTruth;

export const truthTs = (us: number): string => isoUtc(us, true);
