// Ground truth: what really happened, written next to the logs as `truth.jsonl` so tests can
// check whether Mortar tells the truth. Step names equal the event types the demo pipelines map
// to, and step times equal the timestamps written in the logs (truncated to each format's
// precision before being logged), so a test can compare them exactly.
import { isoUtc } from './formats/time.ts';

export interface TruthStep {
  subsystem: string;
  component: string;
  step: string;
  /** ISO-8601 UTC with microseconds. */
  ts: string;
  /** The line carrying this step was garbled on purpose: the step will appear as a dead letter. */
  corrupt?: true;
}

/** Where an alarm vanished: the subsystem whose step never happened. */
export type LostAt = 'gateway' | 'alarm-server' | 'video' | 'console';

export interface AlarmTruth {
  kind: 'alarm';
  evt: string;
  alarm_ref: string;
  alarm_id: string | null;
  sensor: string;
  zone: string;
  prio: number;
  steps: TruthStep[];
  lost_at: LostAt | null;
  /** cleared: went all the way; lost: stopped at `lost_at`; in_flight: the run ended first. */
  status: 'cleared' | 'lost' | 'in_flight';
}

export interface HeartbeatTruth {
  kind: 'heartbeat';
  subsystem: string;
  component: string;
  ts: string;
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

export type TruthRecord = AlarmTruth | HeartbeatTruth | OutageTruth;

export const truthTs = (us: number): string => isoUtc(us, true);
