// Live catalog processing: every few seconds folds the events that arrived since the last run
// into the catalog (see catalog-processor.ts); a failed run is counted and the next tick retries
// the same window, since the high-water mark only moves with a successful commit.
import type { Warehouse } from '../../warehouse/warehouse.ts';
import { startPeriodic } from '../periodic.ts';
import { type CatalogRunResult, ensureCatalogTables, processCatalog } from './catalog-processor.ts';

export interface CatalogRunnerStats {
  runs: number;
  failures: number;
  lastError?: string;
  last?: CatalogRunResult;
}

export interface CatalogRunner {
  stats(): CatalogRunnerStats;
  runOnce(): Promise<void>;
  stop(): Promise<void>;
}

export function startCatalogRunner(
  warehouse: Warehouse,
  opts: {
    intervalMs?: number;
    settleUs?: number;
    onError?: (e: unknown) => void;
    enabled?: boolean;
    /** Asked before each run: false skips it (another server holds the processor lease). */
    gate?: () => Promise<boolean>;
  } = {},
): CatalogRunner {
  const stats: CatalogRunnerStats = { runs: 0, failures: 0 };
  let ready: Promise<void> | undefined;
  const run = async () => {
    ready ??= ensureCatalogTables(warehouse);
    await ready;
    const r = await processCatalog(warehouse, { settleUs: opts.settleUs ?? 10_000_000 });
    stats.runs++;
    if (r.events > 0) stats.last = r;
  };
  const loop = startPeriodic(run, {
    intervalMs: opts.intervalMs ?? 5000,
    stats,
    onError: opts.onError,
    enabled: opts.enabled,
    gate: opts.gate,
  });
  return { stats: () => ({ ...stats }), runOnce: loop.runOnce, stop: loop.stop };
}
