// The simulated installation: a clock, an agenda of timed steps, the HA pairs and the counters
// that hand out ids. The processes that fill the agenda live in alarms.ts (the alarm path) and
// background.ts (heartbeats, status, noise, failovers); this file only runs them in time order.
import { startAlarms } from './alarms.ts';
import { startFailovers } from './failover.ts';
import { HaPair } from './ha.ts';
import { startHeartbeats, type VideoState } from './heartbeats.ts';
import type { IdCounters } from './ids.ts';
import { startNoise } from './noise.ts';
import type { Output } from './output.ts';
import { TimedQueue } from './queue.ts';
import type { Random } from './random.ts';
import { ALARM_SERVERS, CAMERAS, COMPONENTS, GATEWAYS, SUBSYSTEMS, type Subsystem } from './topology.ts';
import { type AlarmTruth, type TruthRecord, type TruthStep, truthTs } from './truth.ts';

export interface WorldOptions {
  startUs: number;
  ratePerSecond: number;
  /** Probability that an alarm is lost at one of its hops. */
  lossRate: number;
  /** Mean time between failures of each HA pair's active node; 0 disables failovers. */
  failoverMeanMs: number;
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

  constructor(
    readonly rng: Random,
    readonly out: Output,
    readonly opts: WorldOptions,
    /** Sensor event numbers and the alarm server's id sequence (shared by both nodes). */
    readonly ids: IdCounters,
  ) {
    this.now = opts.startUs;
  }

  start(): void {
    for (const s of SUBSYSTEMS) {
      for (const c of COMPONENTS[s]) {
        // Components have been running for a while when the story starts (hours to weeks).
        this.bootedAt.set(c, this.now - Math.round(this.rng.uniform(3600, 30 * 86400)) * 1_000_000);
        this.pids.set(c, this.rng.int(1000, 9999));
      }
    }
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

  /** Writes a record now; returns the truth step's timestamp and whether the record was garbled. */
  emit(subsystem: Subsystem, component: string, record: string): { ts: string; corrupt: boolean } {
    const corrupt = this.out.write(subsystem, component, record);
    const us = precise(subsystem) ? this.now : Math.floor(this.now / 1000) * 1000;
    return { ts: truthTs(us), corrupt };
  }

  /** Records an alarm step that was just emitted. */
  step(
    flow: Flow,
    subsystem: Subsystem,
    component: string,
    step: string,
    emitted: { ts: string; corrupt: boolean },
  ): void {
    const s: TruthStep = { subsystem, component, step, ts: emitted.ts };
    if (emitted.corrupt) s.corrupt = true;
    flow.truth.steps.push(s);
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

  private finishFlow(flow: Flow): void {
    this.flows.delete(flow);
    this.out.truth(flow.truth);
  }

  /** Ends the run: alarms still under way and outages still running go to the truth as they are. */
  finish(): void {
    for (const flow of this.flows) this.out.truth(flow.truth);
    this.flows.clear();
    for (const o of this.outages.values()) this.out.truth(o);
    this.outages.clear();
  }
}
