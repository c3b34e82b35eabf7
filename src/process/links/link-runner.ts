// Live link inference: every `intervalMs` (default 30 s) re-runs inference over the last
// `windowUs` of event time (default 1 h up to the newest event), replacing the candidates.
import type { Warehouse } from '../../warehouse/warehouse.ts';
import { newestEventUs } from '../flows/flow-processor.ts';
import { startPeriodic } from '../periodic.ts';
import { ensureLinkTables, processLinks } from './link-processor.ts';

export interface LinkRunnerStats {
  runs: number;
  failures: number;
  lastError?: string;
  lastRunMs?: number;
  candidates?: number;
}

export interface LinkRunner {
  stats(): LinkRunnerStats;
  runOnce(): Promise<void>;
  stop(): Promise<void>;
}

export function startLinkRunner(
  warehouse: Warehouse,
  opts: {
    intervalMs?: number;
    /** Delay of the first run after start (default 10 s). */
    firstRunMs?: number;
    windowUs?: number;
    alignUs?: number;
    onError?: (e: unknown) => void;
    enabled?: boolean;
    /** Asked before each run: false skips it (another server holds the processor lease). */
    gate?: () => Promise<boolean>;
  } = {},
): LinkRunner {
  const stats: LinkRunnerStats = { runs: 0, failures: 0 };
  let ready: Promise<void> | undefined;
  const run = async () => {
    ready ??= ensureLinkTables(warehouse);
    await ready;
    const newest = await newestEventUs(warehouse);
    if (newest === undefined) return;
    const r = await processLinks(warehouse, {
      fromUs: newest - (opts.windowUs ?? 3600e6),
      toUs: newest + 1,
      alignUs: opts.alignUs,
    });
    stats.runs++;
    stats.lastRunMs = r.ms;
    stats.candidates = r.edges.length;
  };
  const loop = startPeriodic(run, {
    intervalMs: opts.intervalMs ?? 30_000,
    stats,
    onError: opts.onError,
    enabled: opts.enabled,
    gate: opts.gate,
  });
  // A first run soon after start, so a fresh demo shows candidates before the first full interval.
  const first =
    opts.enabled === false ? undefined : setTimeout(() => void loop.runOnce(), opts.firstRunMs ?? 10_000);
  return {
    stats: () => ({ ...stats }),
    runOnce: loop.runOnce,
    stop: () => {
      clearTimeout(first);
      return loop.stop();
    },
  };
}
