// The scenarios at work: each planned fault is applied at its time and undone at its end, and
// what really happened (when it began and ended, what it touched) becomes a `scenario` record of
// the truth, next to the `run` record that frames the whole truth (thresholds, topology, times).
import { failNode } from './failover.ts';
import { consoleRecord } from './formats/console.ts';
import type { ScenarioPlan } from './scenarios.ts';
import {
  COMPONENTS,
  DEADLINE_S,
  HA_PAIRS,
  HEARTBEAT_S,
  HORIZON_S,
  REQUIRED_STEPS,
  SENSORS,
  STALE_AFTER_S,
  SUBSYSTEMS,
} from './topology.ts';
import { type RunTruth, type ScenarioTruth, truthTs } from './truth.ts';
import type { World } from './world.ts';

const S = 1_000_000;
/** A stalled console's watchdog complains this often. */
const WATCHDOG_US = 30 * S;
/** Random failures of a pair are held off around its planned failover, so that one happens as planned. */
const QUIET_BEFORE_US = 130 * S;
const QUIET_AFTER_US = 5 * S;

type RateWindow = Extract<ScenarioPlan, { name: 'storm' | 'rotation-burst' }>;

export class Faults {
  private readonly truths: ScenarioTruth[] = [];
  private readonly rateWindows: RateWindow[];
  private readonly startUs: number;

  constructor(
    private readonly w: World,
    readonly plans: readonly ScenarioPlan[],
  ) {
    this.startUs = w.now;
    this.rateWindows = plans.filter(
      (p): p is RateWindow => p.name === 'storm' || p.name === 'rotation-burst',
    );
  }

  /** Applies what holds from the start (clock skew) and schedules everything else. */
  start(): void {
    const { w } = this;
    this.truths.push({
      kind: 'scenario',
      name: 'baseline',
      params: {
        rate_per_s: w.opts.ratePerSecond,
        loss_rate: w.opts.lossRate,
        corrupt_rate: w.out.corruptRate,
        failover_mean_s: w.opts.failoverMeanMs / 1000,
      },
      planned_from: truthTs(this.startUs),
      planned_to: null,
      from: truthTs(this.startUs),
      to: null,
      facts: {},
    });
    for (const plan of this.plans) {
      const truth: ScenarioTruth = {
        kind: 'scenario',
        name: plan.name,
        params: plan.params,
        planned_from: truthTs(plan.fromUs),
        planned_to: Number.isFinite(plan.toUs) ? truthTs(plan.toUs) : null,
        from: null,
        to: null,
        facts: {},
      };
      this.truths.push(truth);
      this.schedule(plan, truth);
    }
  }

  /** The alarm rate's multiplier at `atUs`: the largest factor of the storms under way. */
  rateFactor(atUs: number): number {
    let f = 1;
    for (const p of this.rateWindows) if (p.fromUs <= atUs && atUs < p.toUs) f = Math.max(f, p.factor);
    return f;
  }

  /** The next time after `atUs` at which the alarm rate changes; Infinity if never. */
  nextRateChange(atUs: number): number {
    let next = Number.POSITIVE_INFINITY;
    for (const p of this.rateWindows) for (const t of [p.fromUs, p.toUs]) if (t > atUs && t < next) next = t;
    return next;
  }

  suppressesRandomFailover(subsystem: string, atUs: number): boolean {
    return this.plans.some(
      (p) =>
        p.name === 'failover' &&
        p.subsystem === subsystem &&
        atUs >= p.fromUs - QUIET_BEFORE_US &&
        atUs <= p.toUs + QUIET_AFTER_US,
    );
  }

  /** Counts something a scenario did (e.g. alarms a stalled console did not display). */
  note(name: string, fact: string): void {
    const t = this.truths.find((x) => x.name === name);
    if (t) t.facts[fact] = Number(t.facts[fact] ?? 0) + 1;
  }

  records(): ScenarioTruth[] {
    return this.truths;
  }

  runRecord(mode: 'batch' | 'realtime', seed: number, endUs: number): RunTruth {
    return {
      kind: 'run',
      mode,
      seed,
      start: truthTs(this.startUs),
      end: truthTs(endUs),
      scenarios: this.truths.map((t) => t.name),
      components: Object.fromEntries(SUBSYSTEMS.map((s) => [s, COMPONENTS[s]])),
      ha_pairs: { ...HA_PAIRS } as Record<string, readonly string[]>,
      routes: Object.fromEntries(SENSORS.map((s) => [s.id, s.console])),
      heartbeat_s: { ...HEARTBEAT_S },
      stale_after_s: { ...STALE_AFTER_S },
      deadline_s: DEADLINE_S,
      horizon_s: HORIZON_S,
      required_steps: REQUIRED_STEPS,
    };
  }

  private at(us: number, fn: () => void): void {
    if (Number.isFinite(us)) this.w.after(us - this.w.now, fn);
  }

  private schedule(plan: ScenarioPlan, truth: ScenarioTruth): void {
    const { w } = this;
    const began = (): void => {
      truth.from = truthTs(w.now);
    };
    const ended = (): void => {
      truth.to = truthTs(w.now);
    };
    switch (plan.name) {
      case 'failover':
        this.at(plan.fromUs, () => {
          const pair = plan.subsystem === 'gateway' ? w.gateways : w.alarmServers;
          const node = failNode(w, plan.subsystem, pair, plan.takeoverUs, plan.toUs - plan.fromUs, {
            onTakeover: (peer) => {
              truth.facts.takeover_by = peer;
              truth.facts.takeover_at = truthTs(w.now);
            },
            onRestart: ended,
          });
          if (node === undefined) truth.facts.skipped = 'the pair had no standby to take over';
          else {
            began();
            truth.facts.node = node;
          }
        });
        return;
      case 'storm':
      case 'rotation-burst':
        this.at(plan.fromUs, began);
        this.at(plan.toUs, ended);
        if (plan.name === 'rotation-burst')
          this.at(Math.round((plan.fromUs + plan.toUs) / 2), () => {
            truth.facts.rotated_at = truthTs(w.now);
            truth.facts.files_rotated = w.out.rotateAll();
          });
        return;
      case 'console-stall':
        this.at(plan.fromUs, () => {
          began();
          this.stall(plan.component, plan.fromUs, plan.toUs, ended);
        });
        return;
      case 'clock-skew':
        w.skewUs.set(plan.component, plan.skewUs);
        began();
        return;
      case 'corrupt': {
        let base = 0;
        let before = 0;
        this.at(plan.fromUs, () => {
          began();
          base = w.out.corruptRate;
          before = w.out.corrupted;
          w.out.corruptRate = plan.share;
        });
        this.at(plan.toUs, () => {
          ended();
          w.out.corruptRate = base;
          truth.facts.garbled_records = w.out.corrupted - before;
        });
        return;
      }
      case 'silent':
        this.at(plan.fromUs, () => {
          began();
          w.silent.add(plan.component);
        });
        this.at(plan.toUs, () => {
          ended();
          w.silent.delete(plan.component);
        });
        return;
    }
  }

  /**
   * A console whose UI thread hangs: it displays nothing (alarms sent to it are dropped), the
   * operator cannot acknowledge, but its heartbeat thread goes on, and a watchdog complains
   * until it restarts the UI at the end.
   */
  private stall(c: string, fromUs: number, toUs: number, ended: () => void): void {
    const { w } = this;
    w.stalled.set(c, toUs);
    const degraded = w.health.begin(c, 'degraded', 'not displaying alarms', w.now);
    const watchdog = (): void => {
      if (!w.stalled.has(c)) return;
      const ms = Math.round((w.now - fromUs) / 1000);
      const msg = `UI thread blocked for ${ms} ms, alarm display suspended`;
      w.emit('console', c, consoleRecord(w.clock(c), 'WARN', c, 'Watchdog', msg));
      w.after(WATCHDOG_US, watchdog);
    };
    w.after(WATCHDOG_US, watchdog);
    this.at(toUs, () => {
      w.stalled.delete(c);
      w.health.end(degraded, w.now);
      const s = ((w.now - fromUs) / S).toFixed(0);
      const msg = `UI thread restarted after ${s} s blocked, undelivered alarms discarded`;
      w.emit('console', c, consoleRecord(w.clock(c), 'ERROR', c, 'Watchdog', msg));
      ended();
    });
  }
}
