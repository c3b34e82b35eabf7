// Health definition: the configuration's `health:` section checked and normalised into plain rule,
// heartbeat and roll-up lists with durations in microseconds. Every problem is reported with its
// path (file:line:col), all at once.
import type { Config } from '../../config/load.ts';
import { configError } from '../../config/load.ts';
import type { HealthConfig, HealthMatch } from '../../config/schema.ts';
import type { ErrorDetail } from '../../events/errors.ts';
import { parseDurationMs } from '../../events/time.ts';

export type HealthState = 'failed' | 'degraded' | 'stale' | 'ok' | 'unknown';
export type ProblemState = 'failed' | 'degraded' | 'stale';
export type Level = 'component' | 'subsystem' | 'system';
export type Scope = 'component' | 'subsystem';

/** Severity order: the worst state wins. */
export const RANK: Record<HealthState, number> = { unknown: 0, ok: 1, stale: 2, degraded: 3, failed: 4 };
export const STATES: HealthState[] = ['failed', 'degraded', 'stale', 'ok', 'unknown'];

/** A number read from the event: an attribute, or the first group of a regex on the message. */
export interface NumberFrom {
  attr?: string;
  pattern?: string;
  unitUs: number;
}

export interface RuleDef {
  name: string;
  reason: string;
  match: HealthMatch;
  state: ProblemState;
  scope: Scope;
  /** Attribute naming the component the state is about; default the event's own. */
  targetAttr?: string;
  since?: NumberFrom;
  /** How long one event holds the state; undefined: until a recovery clears it (open-ended). */
  forUs?: number;
}

export interface RecoveryDef {
  name: string;
  match: HealthMatch;
  scope: Scope;
  targetAttr?: string;
  /** Names of the rules it ends. */
  clears: string[];
}

export interface HeartbeatDef {
  subsystem: string;
  match: HealthMatch;
  everyUs: number;
  staleAfterUs: number;
}

export type RollupFn = 'worst' | 'redundant' | 'n_of_m' | 'percentage' | 'weighted';

export interface RollupDef {
  fn: RollupFn;
  n: number;
  min: number;
  okPct: number;
  degradedPct: number;
  weights: Record<string, number>;
}

export interface SubsystemHealthDef {
  name: string;
  /** Declared components (more may be observed in the data). */
  components: string[];
  rollup: RollupDef;
  dependsOn: string[];
  heartbeat?: HeartbeatDef;
}

export interface HealthDef {
  rules: RuleDef[];
  recoveries: RecoveryDef[];
  subsystems: Record<string, SubsystemHealthDef>;
  system: { name: string; rollup: RollupDef };
  minDurationUs: number;
  flapping?: { windowUs: number; changes: number };
  hindsightUs: number;
  lookbackUs: number;
  intervalMs: number;
}

const us = (d: string): number => Math.round(parseDurationMs(d)! * 1000);
const UNIT_US = { us: 1, ms: 1000, s: 1_000_000 } as const;

/** A roll-up as configured (a name or an object) with its defaults filled in. */
export function rollupOf(r: unknown): RollupDef {
  const o = (typeof r === 'string' ? { function: r } : (r ?? { function: 'worst' })) as {
    function: RollupFn;
    n?: number;
    min?: number;
    ok?: number;
    degraded?: number;
    weights?: Record<string, number>;
  };
  return {
    fn: o.function,
    n: o.n ?? 1,
    min: o.min ?? 1,
    okPct: o.ok ?? 100,
    degradedPct: o.degraded ?? 1,
    weights: o.weights ?? {},
  };
}

/** The health definition, or undefined when the configuration has no `health:` section. */
export function defineHealth(config: Config): HealthDef | undefined {
  const h = config.health;
  if (!h) return undefined;
  const errors: ErrorDetail[] = [];
  const report = (path: (string | number)[], message: string, hint?: string) =>
    errors.push({ where: config.locate(['health', ...path]), message, hint });
  const def = build(h, config, report);
  if (errors.length > 0) throw configError(errors);
  return def;
}

type Report = (path: (string | number)[], message: string, hint?: string) => void;

function checkRegex(pattern: string, path: (string | number)[], report: Report, groups = 0): void {
  try {
    const re = new RegExp(`${pattern}|`);
    const found = (re.exec('')?.length ?? 1) - 1;
    if (found < groups)
      report(path, 'the pattern needs a capture group for the number', 'e.g. blocked for (\\d+) ms');
  } catch (e) {
    report(
      path,
      `invalid regular expression: ${(e as Error).message}`,
      'RE2 syntax: no lookaround, no backreferences',
    );
  }
}

function checkMatch(m: HealthMatch, path: (string | number)[], report: Report): void {
  if (Object.keys(m).length === 0)
    report(path, 'an empty match would take every event', 'match at least a type or a subsystem');
  if (m.message !== undefined) checkRegex(m.message, [...path, 'message'], report);
}

function build(h: HealthConfig, config: Config, report: Report): HealthDef {
  const rules: RuleDef[] = [];
  const recoveries: RecoveryDef[] = [];
  const names = new Set<string>();
  h.rules.forEach((r, i) => {
    const name = r.name ?? `${r.state}-${i + 1}`;
    if (names.has(name) || name === 'heartbeat')
      report(['rules', i, 'name'], `rule name "${name}" is taken`, 'give every rule its own name');
    names.add(name);
    checkMatch(r.match, ['rules', i, 'match'], report);
    const targetAttr = r.component?.attr;
    if (r.scope === 'subsystem' && targetAttr)
      report(['rules', i, 'component'], 'a subsystem-scoped rule is about no component', 'remove component');
    if (r.state === 'ok') {
      for (const k of ['since', 'for'] as const)
        if (r[k] !== undefined)
          report(['rules', i, k], `a recovery rule (state ok) has no ${k}`, `remove ${k}`);
      recoveries.push({ name, match: r.match, scope: r.scope, targetAttr, clears: r.clears ?? [] });
      return;
    }
    if (r.clears)
      report(['rules', i, 'clears'], 'only recovery rules (state ok) clear others', 'remove clears');
    let since: NumberFrom | undefined;
    if (r.since) {
      const { attr, message, unit } = r.since;
      if ((attr === undefined) === (message === undefined))
        report(
          ['rules', i, 'since'],
          'give exactly one of attr or message',
          'e.g. { attr: silent_ms, unit: ms }',
        );
      if (message !== undefined) checkRegex(message, ['rules', i, 'since', 'message'], report, 1);
      since = { attr, pattern: message, unitUs: UNIT_US[unit] };
    }
    rules.push({
      name,
      reason: r.description ?? name,
      match: r.match,
      state: r.state,
      scope: r.scope,
      targetAttr,
      since,
      forUs: r.for === undefined ? undefined : us(r.for),
    });
  });
  recoveries.forEach((rec) => {
    const i = h.rules.findIndex((r, j) => (r.name ?? `${r.state}-${j + 1}`) === rec.name);
    for (const c of rec.clears)
      if (!rules.some((r) => r.name === c))
        report(
          ['rules', i, 'clears'],
          `no rule "${c}" to clear`,
          `rules: ${rules.map((r) => r.name).join(', ')}`,
        );
    if (rec.clears.length === 0) rec.clears = rules.filter((r) => r.scope === rec.scope).map((r) => r.name);
  });

  const declared = new Set([...Object.keys(config.subsystems), ...Object.keys(h.subsystems)]);
  const subsystems: Record<string, SubsystemHealthDef> = {};
  for (const name of declared) {
    const s = h.subsystems[name];
    const path = ['subsystems', name];
    if (s && Object.keys(config.subsystems).length > 0 && !(name in config.subsystems))
      report(path, `unknown subsystem "${name}"`, `declared: ${Object.keys(config.subsystems).join(', ')}`);
    const rollup = rollupOf(s?.rollup);
    checkRollup(rollup, [...path, 'rollup'], report);
    let heartbeat: HeartbeatDef | undefined;
    if (s?.heartbeat) {
      checkMatch(s.heartbeat.match, [...path, 'heartbeat', 'match'], report);
      const everyUs = us(s.heartbeat.every);
      const staleAfterUs = Math.round(s.heartbeat.stale_after ? us(s.heartbeat.stale_after) : everyUs * 2.5);
      if (staleAfterUs <= everyUs)
        report(
          [...path, 'heartbeat', 'stale_after'],
          'stale_after must be longer than every',
          'e.g. 2.5 periods',
        );
      heartbeat = {
        subsystem: name,
        match: { ...s.heartbeat.match, subsystem: name },
        everyUs,
        staleAfterUs,
      };
    }
    for (const [j, p] of (s?.depends_on ?? []).entries())
      if (!declared.has(p) || p === name)
        report(
          [...path, 'depends_on', j],
          `no other subsystem "${p}"`,
          `subsystems: ${[...declared].join(', ')}`,
        );
    subsystems[name] = {
      name,
      components: config.subsystems[name]?.components ?? [],
      rollup,
      dependsOn: s?.depends_on ?? [],
      heartbeat,
    };
  }
  const cycle = dependencyCycle(subsystems);
  if (cycle) report(['subsystems', cycle[0]!, 'depends_on'], `dependency cycle: ${cycle.join(' -> ')}`);

  const system = { name: h.system?.name ?? 'system', rollup: rollupOf(h.system?.rollup) };
  checkRollup(system.rollup, ['system', 'rollup'], report);
  const flapping = h.flapping && { windowUs: us(h.flapping.window), changes: h.flapping.changes };
  const def: HealthDef = {
    rules,
    recoveries,
    subsystems,
    system,
    minDurationUs: us(h.min_duration),
    flapping,
    hindsightUs: us(h.hindsight),
    lookbackUs: us(h.lookback),
    intervalMs: us(h.interval) / 1000,
  };
  const stale = Math.max(0, ...Object.values(subsystems).map((s) => s.heartbeat?.staleAfterUs ?? 0));
  const context = Math.max(
    stale,
    ...rules.map((r) => r.forUs ?? 0),
    def.minDurationUs,
    flapping?.windowUs ?? 0,
  );
  if (def.lookbackUs < context)
    report(
      ['lookback'],
      'lookback is shorter than a stale_after, for, min_duration or flapping window',
      'raise lookback',
    );
  if (def.hindsightUs < stale)
    report(['hindsight'], 'hindsight is shorter than a heartbeat stale_after', 'raise hindsight');
  if (def.intervalMs < 100) report(['interval'], 'interval below 100ms', 'use 1s or 2s');
  return def;
}

function checkRollup(r: RollupDef, path: (string | number)[], report: Report): void {
  if ((r.fn === 'percentage' || r.fn === 'weighted') && r.degradedPct > r.okPct)
    report(path, 'degraded must not be above ok', 'e.g. { ok: 100, degraded: 50 }');
  if (r.fn === 'n_of_m' && r.min > r.n) report(path, 'min must not be above n');
}

function dependencyCycle(subs: Record<string, SubsystemHealthDef>): string[] | undefined {
  const visit = (s: string, stack: string[]): string[] | undefined => {
    if (stack.includes(s)) return [...stack.slice(stack.indexOf(s)), s];
    for (const p of subs[s]?.dependsOn ?? []) {
      const c = visit(p, [...stack, s]);
      if (c) return c;
    }
    return undefined;
  };
  for (const s of Object.keys(subs)) {
    const c = visit(s, []);
    if (c) return c;
  }
  return undefined;
}
