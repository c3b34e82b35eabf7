// Live health processing: every `interval` (1 s by default), in event time, rewrites the last
// `hindsight` of the time lines (late evidence such as a takeover naming a failed peer moves a
// state's start back). After a restart it first catches up from where the stored time lines end,
// an hour per run, so nothing is skipped and nothing is counted twice: each run replaces its
// window's rows in one transaction (on ClickHouse, new rows before tombstones: interval-store.ts).
import { sql } from '../../warehouse/sql.ts';
import type { Warehouse } from '../../warehouse/warehouse.ts';
import { startPeriodic } from '../periodic.ts';
import type { HealthDef } from './definition.ts';
import { ensureHealthTables, eventSpanUs, type HealthRunResult, processHealth } from './health-processor.ts';
import { TRANSITIONS } from './health-tables.ts';

export interface HealthRunnerStats {
  runs: number;
  failures: number;
  lastRunMs?: number;
  lastError?: string;
  /** Event-time "now" of the last run (µs). */
  lastNowUs?: number;
  last?: HealthRunResult;
}

export interface HealthRunner {
  stats(): HealthRunnerStats;
  /** Runs once now (tests); resolves when done. */
  runOnce(): Promise<void>;
  stop(): Promise<void>;
}

export interface HealthRunnerOptions {
  intervalMs?: number;
  /** Longest window one run processes while catching up. */
  maxSliceUs?: number;
  /** Subsystems whose pipelines are still catching up. */
  lagging?: () => string[];
  /** Runs only while this says yes (the processor lease, lease.ts). */
  gate?: () => Promise<boolean>;
  onError?: (e: unknown) => void;
}

/** Where the stored time lines end (µs), undefined when none are stored. */
export async function processedUntilUs(warehouse: Warehouse): Promise<number | undefined> {
  const to = sql.id('to_us');
  const [row] = await warehouse.query(
    sql`select ${warehouse.sqlDialect.nullOverNone(sql`max(${to})`, to)} as t from ${sql.id(TRANSITIONS.name)}`,
  );
  return row?.t === null || row?.t === undefined ? undefined : Number(row.t);
}

export function startHealthRunner(
  warehouse: Warehouse,
  def: HealthDef,
  opts: HealthRunnerOptions = {},
): HealthRunner {
  const stats: HealthRunnerStats = { runs: 0, failures: 0 };
  const maxSliceUs = opts.maxSliceUs ?? 3600e6;
  let ready: Promise<void> | undefined;
  /** What the last run saw when it reached `now`: the same again means nothing new to do. */
  let settled: string | undefined;

  const run = async () => {
    ready ??= ensureHealthTables(warehouse);
    await ready;
    const span = await eventSpanUs(warehouse);
    if (!span) return;
    const nowUs = span.lastUs;
    const lagging = opts.lagging?.() ?? [];
    const seen = `${nowUs}|${[...lagging].sort().join(',')}`;
    if (seen === settled) return;
    const done = (await processedUntilUs(warehouse)) ?? span.firstUs;
    const fromUs = Math.max(span.firstUs, Math.min(done, nowUs - def.hindsightUs));
    const toUs = Math.min(nowUs + 1, fromUs + maxSliceUs);
    const started = performance.now();
    stats.last = await processHealth(warehouse, def, { fromUs, toUs, nowUs, lagging });
    settled = toUs > nowUs ? seen : undefined;
    stats.runs++;
    stats.lastRunMs = performance.now() - started;
    stats.lastNowUs = nowUs;
  };

  const loop = startPeriodic(run, {
    intervalMs: opts.intervalMs ?? def.intervalMs,
    stats,
    onError: opts.onError,
    gate: opts.gate,
  });
  return { stats: () => ({ ...stats }), runOnce: loop.runOnce, stop: loop.stop };
}
