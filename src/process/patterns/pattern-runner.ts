// Live pattern mining: every couple of seconds, mines the events that arrived since the last run
// (a few batches per run, so a backlog is worked off without one huge transaction), then looks
// for rate changes. Safe to stop and restart at any moment (see pattern-processor.ts). Runs on
// DuckDB and ClickHouse alike; among servers sharing a ClickHouse only the processor lease holder
// mines (`gate`), and a server that lost the lease forgets its miners, since the holder moved
// the tables on meanwhile: when it gets the lease back it restores them from the tables.
import type { Warehouse } from '../../warehouse/warehouse.ts';
import { startPeriodic } from '../periodic.ts';
import {
  DEFAULT_PATTERN_SETTINGS,
  detectRateChanges,
  ensurePatternTables,
  minePatternStep,
  newPatternState,
  type PatternSettings,
} from './pattern-processor.ts';

export interface PatternRunnerStats {
  runs: number;
  failures: number;
  lastError?: string;
  lastRunMs?: number;
  /** Events mined since the runner started. */
  events: number;
  templates: number;
  overflow: number;
  changes: number;
}

export interface PatternRunner {
  stats(): PatternRunnerStats;
  runOnce(): Promise<void>;
  stop(): Promise<void>;
}

export function startPatternRunner(
  warehouse: Warehouse,
  opts: {
    intervalMs?: number;
    maxBatchesPerRun?: number;
    settings?: Partial<PatternSettings>;
    /** Runs only while this says yes (the processor lease, lease.ts). */
    gate?: () => Promise<boolean>;
    onError?: (e: unknown) => void;
  } = {},
): PatternRunner {
  const settings = { ...DEFAULT_PATTERN_SETTINGS, ...opts.settings };
  const stats: PatternRunnerStats = {
    runs: 0,
    failures: 0,
    events: 0,
    templates: 0,
    overflow: 0,
    changes: 0,
  };
  const state = newPatternState();
  let ready: Promise<void> | undefined;

  const run = async () => {
    ready ??= ensurePatternTables(warehouse);
    await ready;
    const started = performance.now();
    let mined = 0;
    for (let i = 0; i < (opts.maxBatchesPerRun ?? 4); i++) {
      const step = await minePatternStep(warehouse, state, settings);
      stats.events += step.events;
      stats.changes += step.changes;
      mined += step.events;
      if (step.events < settings.batch) break;
    }
    if (mined > 0) stats.changes += await detectRateChanges(warehouse, settings);
    stats.runs++;
    stats.lastRunMs = performance.now() - started;
    stats.templates = [...state.miners.values()].reduce((a, m) => a + m.size, 0);
    stats.overflow = [...state.overflow.values()].reduce((a, n) => a + n, 0);
  };

  const gate = opts.gate;
  const loop = startPeriodic(run, {
    intervalMs: opts.intervalMs ?? 2000,
    stats,
    onError: opts.onError,
    gate:
      gate &&
      (async () => {
        const open = await gate();
        if (!open && state.loaded) Object.assign(state, newPatternState());
        return open;
      }),
  });
  return { stats: () => ({ ...stats }), runOnce: loop.runOnce, stop: loop.stop };
}
