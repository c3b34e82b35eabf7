// The simulated installation: a clock, an agenda of timed steps, the HA pairs and the counters
// that hand out ids. The processes that fill the agenda live in alarms.ts (the alarm path),
// heartbeats.ts, noise.ts, failover.ts and faults.ts (the scenarios); this file runs them in time
// order, writes what components log (through their own, possibly wrong, clocks) and keeps the
// ground truth's bookkeeping: alarm steps, health conditions and edges.
import { startAlarms } from './alarms.ts';
import { EdgeTracker } from './edges.ts';
import { startFailovers } from './failover.ts';
import { Faults } from './faults.ts';
import { HaPair } from './ha.ts';
import { HealthTracker } from './health.ts';
import { startHeartbeats, type VideoState } from './heartbeats.ts';
import type { IdCounters } from './ids.ts';
import { startNoise } from './noise.ts';
import { isHandled, settle } from './outcome.ts';
import type { Output } from './output.ts';
import { TimedQueue } from './queue.ts';
import type { Random } from './random.ts';
import type { ScenarioPlan } from './scenarios.ts';
import {
  ALARM_SERVERS,
  CAMERAS,
  COMPONENTS,
  GATEWAYS,
  HORIZON_S,
  SUBSYSTEMS,
  type Subsystem,
} from './topology.ts';
import { type AlarmTruth, type StepIds, type TruthRecord, type TruthStep, truthTs } from './truth.ts';

export interface WorldOptions {
  startUs: number;
  ratePerSecond: number;
  /** Probability that an alarm is lost at one of its hops. */
  lossRate: number;
  /** Mean time between failures of each HA pair's active node; 0 disables failovers. */
  failoverMeanMs: number;
  scenarios: readonly ScenarioPlan[];
}

export interface WorldStats {
  alarms: number;
  cleared: number;
  lost: number;
  lostAt: Record<string, number>;
  heartbeats: number;
  failovers: number;
}

/** An alarm on its way through the system, with the steps it still has to take. */
export interface Flow {
  truth: AlarmTruth;
  pending: number;
  /** True time of each step that happened, by step name (its first occurrence). */
  times: Map<string, number>;
}

/** What `emit` did with a record. */
export interface Emitted {
  /** The time the line carries, as UTC microseconds (the component's clock, the format's precision). */
  writtenUs: number;
  corrupt: boolean;
  /** The component is silent: nothing was written. */
  unlogged: boolean;
}

/** Only the alarm server logs microseconds; the truth must say what the log says, so others floor to ms. */
const precise = (s: Subsystem): boolean => s === 'alarm-server';

export class World {
  now: number;
  readonly queue = new TimedQueue();
  readonly gateways = new HaPair(GATEWAYS);
  readonly alarmServers = new HaPair(ALARM_SERVERS);
  readonly flows = new Set<Flow>();
  /** Alarms raised and not yet cleared (what the alarm server and consoles report as open). */
  openAlarms = 0;
  readonly stats: WorldStats = { alarms: 0, cleared: 0, lost: 0, lostAt: {}, heartbeats: 0, failovers: 0 };
  /** Process ids (alarm server) and boot times (uptime in heartbeats) per component. */
  readonly pids = new Map<string, number>();
  readonly bootedAt = new Map<string, number>();
  /** Outages still running, by component, to be reported if the run ends first. */
  readonly outages = new Map<string, TruthRecord>();
  readonly health: HealthTracker;
  readonly edges: EdgeTracker;
  readonly faults: Faults;
  /** How far a component's clock runs ahead of true time (µs); absent: exact. */
  readonly skewUs = new Map<string, number>();
  /** Components that write nothing at the moment. */
  readonly silent = new Set<string>();
  /** Consoles that display nothing at the moment, with the time they will recover. */
  readonly stalled = new Map<string, number>();
  /** Writes a heartbeat of the component now (set by the heartbeat process; a restart beats at once). */
  beatNow: (component: string) => void = () => undefined;

  constructor(
    readonly rng: Random,
    readonly out: Output,
    readonly opts: WorldOptions,
    /** Sensor event numbers and the alarm server's id sequence (shared by both nodes). */
    readonly ids: IdCounters,
  ) {
    this.now = opts.startUs;
    this.health = new HealthTracker(opts.startUs);
    this.edges = new EdgeTracker((r) => out.truth(r));
    this.faults = new Faults(this, opts.scenarios);
  }

  start(): void {
    for (const s of SUBSYSTEMS) {
      for (const c of COMPONENTS[s]) {
        // Components have been running for a while when the story starts (hours to weeks).
        this.bootedAt.set(c, this.now - Math.round(this.rng.uniform(3600, 30 * 86400)) * 1_000_000);
        this.pids.set(c, this.rng.int(1000, 9999));
      }
    }
    this.faults.start();
    const video: VideoState = { camerasOnline: CAMERAS, storageUsedPct: this.rng.uniform(55, 75) };
    startHeartbeats(this, video);
    startNoise(this, video);
    startFailovers(this);
    startAlarms(this);
  }

  /** Runs `fn` `delayUs` from now (whole microseconds). */
  after(delayUs: number, fn: () => void): void {
    this.queue.push(this.now + Math.max(0, Math.round(delayUs)), fn);
  }

  /** Runs steps up to and including time `untilUs`; returns how many ran. */
  runUntil(untilUs: number, maxSteps = Number.POSITIVE_INFINITY): number {
    let n = 0;
    while (n < maxSteps && this.queue.peekAt() <= untilUs) {
      const step = this.queue.pop()!;
      this.now = step.at;
      step.run();
      n++;
    }
    return n;
  }

  /** The time on a component's own clock: what it writes into its log lines. */
  clock(component: string): number {
    return this.now + (this.skewUs.get(component) ?? 0);
  }

  /** Alarms per second now (storms multiply the base rate). */
  alarmRate(): number {
    return this.opts.ratePerSecond * this.faults.rateFactor(this.now);
  }

  /** Writes a record of `component` (rendered with `clock(component)`), unless it is silent. */
  emit(subsystem: Subsystem, component: string, record: string): Emitted {
    const local = this.clock(component);
    const writtenUs = precise(subsystem) ? local : Math.floor(local / 1000) * 1000;
    if (this.silent.has(component)) return { writtenUs, corrupt: false, unlogged: true };
    return { writtenUs, corrupt: this.out.write(subsystem, component, record), unlogged: false };
  }

  /** Records an alarm step that was just emitted. */
  step(flow: Flow, subsystem: Subsystem, component: string, step: string, e: Emitted, ids: StepIds): void {
    const s: TruthStep = {
      subsystem,
      component,
      step,
      ts: truthTs(e.writtenUs),
      true_ts: truthTs(this.now),
      ids,
    };
    if (e.corrupt) s.corrupt = true;
    if (e.unlogged) s.unlogged = true;
    flow.truth.steps.push(s);
    if (!flow.times.has(step)) flow.times.set(step, this.now);
  }

  /** Schedules a step of `flow`; the flow's truth is written once nothing is pending any more. */
  track(flow: Flow, delayUs: number, fn: () => void): void {
    flow.pending++;
    this.after(delayUs, () => {
      flow.pending--;
      fn();
      if (flow.pending === 0) this.finishFlow(flow);
    });
  }

  /** An alarm that was not handled is written once it is lost (horizon), so its outcome is final. */
  private finishFlow(flow: Flow): void {
    const lostUs = flow.times.get('sensor.alarm')! + HORIZON_S * 1_000_000;
    if (!isHandled(flow) && this.now < lostUs) this.after(lostUs - this.now, () => this.writeFlow(flow));
    else this.writeFlow(flow);
  }

  private writeFlow(flow: Flow): void {
    if (!this.flows.delete(flow)) return;
    settle(flow, this.now);
    this.out.truth(flow.truth);
  }

  /**
   * Ends the run at `endUs`: alarms still under way and outages still running go to the truth as
   * they are, then the edges, the health intervals, the scenarios and the run itself.
   */
  finish(endUs: number, run: { mode: 'batch' | 'realtime'; seed: number }): void {
    for (const flow of this.flows) {
      settle(flow, endUs);
      this.out.truth(flow.truth);
    }
    this.flows.clear();
    for (const o of this.outages.values()) this.out.truth(o);
    this.outages.clear();
    this.edges.finish();
    for (const h of this.health.records(endUs)) this.out.truth(h);
    for (const s of this.faults.records()) this.out.truth(s);
    this.out.truth(this.faults.runRecord(run.mode, run.seed, endUs));
  }
}
