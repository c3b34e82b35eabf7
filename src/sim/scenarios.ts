// Scenarios: faults laid over the baseline world at times fixed in advance, so a batch run is
// reproducible and its truth can say exactly when each fault began and ended. Written as
// `name[:key=value]...`, several separated by commas: `failover,storm:factor=20`.
//
// Default timings are fractions of a reference length D: the run's duration, or 10 minutes when
// it has none (a realtime demo), so everything shows within the first minutes there:
//   silent          at 0.2 D for 5 min         (one component writes nothing at all)
//   storm           at 0.4 D - 2 min for 5 min (x10 alarm rate; contains the failover)
//   failover        at 0.4 D                   (active gateway fails, takeover 3 s, back after 90 s)
//   console-stall   at 0.5 D for 10 min        (a console displays nothing, keeps heartbeating)
//   rotation-burst  at 0.65 D for 20 s         (x20 alarm rate; every log rotated half way)
//   corrupt         at 0.75 D for 30 s         (half the records garbled)
//   clock-skew      the whole run              (one sensor's clock 2.5 s ahead)
import { type ErrorDetail, UserError } from '../events/errors.ts';
import { parseDurationMs } from '../events/time.ts';
import { COMPONENTS, CONSOLES, HA_PAIRS, SUBSYSTEMS } from './topology.ts';

export const SCENARIOS = [
  'baseline',
  'failover',
  'storm',
  'console-stall',
  'clock-skew',
  'rotation-burst',
  'corrupt',
  'silent',
] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface ScenarioSpec {
  name: string;
  params?: Record<string, string>;
}

/** The scenarios and their defaults, for the commands' --help (indented to their flag column). */
export const SCENARIO_HELP = [
  'baseline        no faults (the default)',
  'failover        active gateway fails at 40%, standby takes over after',
  '                3 s, node back after 90 s (subsystem, at, takeover, for)',
  'storm           10x alarm rate from 40% - 2 min for 5 min (at, for, factor)',
  'console-stall   op-console-1 displays nothing from 50% for 10 min,',
  '                heartbeats go on (component, at, for)',
  'clock-skew      sc-02 logs 2.5 s ahead, all run (component, skew)',
  'rotation-burst  20x alarm rate from 65% for 20 s, every log rotated',
  '                half way (at, for, factor)',
  'corrupt         half the records garbled from 75% for 30 s (at, for, share)',
  'silent          sc-05 writes nothing, heartbeats included, from 20%',
  '                for 5 min (component, at, for)',
  '% of --duration (10 min without one). e.g. failover,storm:at=2m:factor=20',
]
  .map((l) => `                       ${l}`)
  .join('\n');

/** Reference length when a run has no duration. */
export const REALTIME_REFERENCE_MS = 10 * 60_000;

interface PlanBase {
  /** Absolute times in microseconds; toUs is Infinity for faults that last the whole run. */
  fromUs: number;
  toUs: number;
  /** The resolved parameters, as the truth's scenario record shows them. */
  params: Record<string, string | number>;
}

export type ScenarioPlan = PlanBase &
  (
    | { name: 'failover'; subsystem: 'gateway' | 'alarm-server'; takeoverUs: number }
    | { name: 'storm' | 'rotation-burst'; factor: number }
    | { name: 'console-stall' | 'silent'; component: string }
    | { name: 'clock-skew'; component: string; skewUs: number }
    | { name: 'corrupt'; share: number }
  );

const ALL_COMPONENTS = SUBSYSTEMS.flatMap((s) => COMPONENTS[s]);

/** Splits `a,b:k=v:k2=v2` into specs; syntax errors are UserErrors naming the item. */
export function parseScenarios(text: string): ScenarioSpec[] {
  const problems: ErrorDetail[] = [];
  const specs = text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
    .map((item) => {
      const [name, ...pairs] = item.split(':');
      const params: Record<string, string> = {};
      for (const pair of pairs) {
        const eq = pair.indexOf('=');
        if (eq <= 0) problems.push({ where: item, message: `"${pair}" is not key=value` });
        else params[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
      }
      return { name: name!.trim(), params };
    });
  if (problems.length > 0) throw invalid(problems);
  return specs;
}

export interface PlanContext {
  startUs: number;
  /** The run's length, or undefined for a run without one. */
  durationMs?: number;
}

/** Checks every spec (all problems at once) and turns it into absolute times. */
export function planScenarios(specs: readonly ScenarioSpec[], ctx: PlanContext): ScenarioPlan[] {
  const problems: ErrorDetail[] = [];
  const seen = new Set<string>();
  const plans: ScenarioPlan[] = [];
  const d = ctx.durationMs ?? REALTIME_REFERENCE_MS;
  for (const spec of specs) {
    const where = `scenario ${spec.name}`;
    if (!(SCENARIOS as readonly string[]).includes(spec.name)) {
      problems.push({ where, message: 'unknown scenario', hint: `choose from ${SCENARIOS.join(', ')}` });
      continue;
    }
    if (seen.has(spec.name))
      problems.push({ where, message: 'given twice', hint: 'name each scenario once' });
    seen.add(spec.name);
    const p = new Params(spec.params ?? {}, where, problems);
    const plan = planOne(spec.name as ScenarioName, p, d, ctx.startUs);
    p.rejectUnknown();
    if (plan) plans.push(plan);
  }
  if (problems.length > 0) throw invalid(problems);
  return plans;
}

function planOne(name: ScenarioName, p: Params, d: number, startUs: number): ScenarioPlan | undefined {
  const window = (atMs: number, forMs: number): PlanBase => {
    const at = p.duration('at', Math.max(0, Math.round(atMs)));
    const length = p.duration('for', forMs, 1);
    return {
      fromUs: startUs + at * 1000,
      toUs: startUs + (at + length) * 1000,
      params: { at_s: at / 1000, for_s: length / 1000 },
    };
  };
  switch (name) {
    case 'baseline':
      return undefined;
    case 'failover': {
      const subsystem = p.oneOf('subsystem', Object.keys(HA_PAIRS), 'gateway') as 'gateway' | 'alarm-server';
      const takeover = p.duration('takeover', 3000, 1);
      const w = window(0.4 * d, 90_000);
      if (takeover * 1000 >= w.toUs - w.fromUs)
        p.problem('takeover', 'must be shorter than for (the failed node restarts after the takeover)');
      w.params = { subsystem, ...w.params, takeover_s: takeover / 1000 };
      return { name, ...w, subsystem, takeoverUs: takeover * 1000 };
    }
    case 'storm':
    case 'rotation-burst': {
      const storm = name === 'storm';
      const factor = p.number('factor', storm ? 10 : 20, 1, 1000);
      const w = storm ? window(0.4 * d - 120_000, 5 * 60_000) : window(0.65 * d, 20_000);
      w.params = { ...w.params, factor };
      return { name, ...w, factor };
    }
    case 'console-stall':
    case 'silent': {
      const stall = name === 'console-stall';
      const component = stall
        ? p.oneOf('component', CONSOLES, 'op-console-1')
        : p.oneOf('component', ALL_COMPONENTS, 'sc-05');
      const w = stall ? window(0.5 * d, 10 * 60_000) : window(0.2 * d, 5 * 60_000);
      w.params = stall
        ? { component, ...w.params, heartbeats: 'continue' }
        : { component, ...w.params, heartbeats: 'stop' };
      return { name, ...w, component };
    }
    case 'clock-skew': {
      const component = p.oneOf('component', ALL_COMPONENTS, 'sc-02');
      const skewMs = p.signedDuration('skew', 2500);
      return {
        name,
        fromUs: startUs,
        toUs: Number.POSITIVE_INFINITY,
        params: { component, skew_ms: skewMs },
        component,
        skewUs: Math.round(skewMs * 1000),
      };
    }
    case 'corrupt': {
      const share = p.number('share', 0.5, 0, 1);
      const w = window(0.75 * d, 30_000);
      w.params = { ...w.params, share };
      return { name, ...w, share };
    }
  }
}

/** Reads one spec's parameters, collecting problems instead of throwing. */
class Params {
  private readonly used = new Set<string>();

  constructor(
    private readonly raw: Record<string, string>,
    private readonly where: string,
    private readonly problems: ErrorDetail[],
  ) {}

  problem(key: string, message: string, hint?: string): void {
    this.problems.push({ where: `${this.where}: ${key}`, message, hint });
  }

  private get(key: string): string | undefined {
    this.used.add(key);
    return this.raw[key];
  }

  /** Milliseconds, at least `min`. */
  duration(key: string, dflt: number, min = 0): number {
    const v = this.get(key);
    if (v === undefined) return dflt;
    const ms = parseDurationMs(v);
    if (ms === undefined || ms < min) {
      this.problem(key, `expected a duration such as 90s or 5m, not "${v}"`);
      return dflt;
    }
    return Math.round(ms);
  }

  /** Milliseconds, may be negative (a clock behind). */
  signedDuration(key: string, dflt: number): number {
    const v = this.get(key);
    if (v === undefined) return dflt;
    const negative = v.startsWith('-');
    const ms = parseDurationMs(negative ? v.slice(1) : v);
    if (ms === undefined) {
      this.problem(key, `expected a duration such as 2.5s or -800ms, not "${v}"`);
      return dflt;
    }
    return negative ? -ms : ms;
  }

  number(key: string, dflt: number, min: number, max: number): number {
    const v = this.get(key);
    if (v === undefined) return dflt;
    const n = Number(v);
    if (v === '' || !Number.isFinite(n) || n < min || n > max) {
      this.problem(key, `expected a number from ${min} to ${max}, not "${v}"`);
      return dflt;
    }
    return n;
  }

  oneOf(key: string, allowed: readonly string[], dflt: string): string {
    const v = this.get(key);
    if (v === undefined) return dflt;
    if (!allowed.includes(v)) {
      this.problem(key, `unknown value "${v}"`, `choose from ${allowed.join(', ')}`);
      return dflt;
    }
    return v;
  }

  rejectUnknown(): void {
    for (const key of Object.keys(this.raw))
      if (!this.used.has(key))
        this.problem(key, 'unknown parameter', `this scenario takes ${[...this.used].join(', ') || 'none'}`);
  }
}

const invalid = (problems: ErrorDetail[]): UserError =>
  new UserError('bad_request', 'invalid scenario', problems);
