// Live flow processing: about once a second, recomputes the recent window of every flow (two
// horizons back, so a step that arrives late still turns "lost" into "late"), in event time. Safe
// to stop and restart at any moment: each run replaces its window's rows in one transaction.
import type { Warehouse } from '../../warehouse/warehouse.ts';
import { startPeriodic } from '../periodic.ts';
import type { FlowDef } from './definition.ts';
import { ensureFlowTables, type FlowRunResult, newestEventUs, processFlow } from './flow-processor.ts';

export interface FlowRunnerStats {
  runs: number;
  failures: number;
  lastRunMs?: number;
  lastError?: string;
  /** Event-time "now" of the last run (µs). */
  lastNowUs?: number;
  results: FlowRunResult[];
}

export interface FlowRunner {
  stats(): FlowRunnerStats;
  /** Runs once now (tests, reprocess); resolves when done. */
  runOnce(): Promise<void>;
  stop(): Promise<void>;
}

export interface FlowRunnerOptions {
  intervalMs?: number;
  idleUs?: number;
  skewUs?: number;
  /** Subsystems whose pipelines are still catching up. */
  lagging?: () => string[];
  onError?: (e: unknown) => void;
}

export function startFlowRunner(
  warehouse: Warehouse,
  flows: FlowDef[],
  opts: FlowRunnerOptions = {},
): FlowRunner {
  const stats: FlowRunnerStats = { runs: 0, failures: 0, results: [] };
  let ready: Promise<void> | undefined;

  const run = async () => {
    ready ??= ensureFlowTables(warehouse);
    await ready;
    const nowUs = await newestEventUs(warehouse);
    if (nowUs === undefined) return;
    const started = performance.now();
    const results: FlowRunResult[] = [];
    for (const flow of flows) {
      results.push(
        await processFlow(warehouse, flow, {
          fromUs: nowUs - 2 * flow.horizonUs,
          toUs: nowUs + 1,
          nowUs,
          idleUs: opts.idleUs ?? 60e6,
          skewUs: opts.skewUs ?? 60e6,
          lagging: opts.lagging?.(),
        }),
      );
    }
    stats.runs++;
    stats.lastRunMs = performance.now() - started;
    stats.lastNowUs = nowUs;
    stats.results = results;
  };

  const loop = startPeriodic(run, {
    intervalMs: opts.intervalMs ?? 1000,
    stats,
    onError: opts.onError,
    enabled: flows.length > 0,
  });
  return { stats: () => ({ ...stats }), runOnce: loop.runOnce, stop: loop.stop };
}
