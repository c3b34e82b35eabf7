// Live flow processing: twice a second (DuckDB; once on ClickHouse), every flow takes the events committed since its last
// run and recomputes only the alerts they touch plus those whose deadline or horizon has passed in
// event time (flow-incremental.ts), so the work follows the arrival rate, not the window. Safe to
// stop and restart at any moment: a run's rows and its read position commit in one transaction.
// On ClickHouse (no transactions) each run recomputes the flow's open alerts instead, by windows
// (flow-clickhouse.ts); a rerun of a window writes the same rows.

import { lateMarginUs } from '../../warehouse/late-commits.ts';
import type { Warehouse } from '../../warehouse/warehouse.ts';
import { startPeriodic } from '../periodic.ts';
import type { FlowDef } from './definition.ts';
import { processFlowClickHouse } from './flow-clickhouse.ts';
import { type IncrementalResult, processIncrement } from './flow-incremental.ts';
import { ensureFlowTables } from './flow-processor.ts';

export interface FlowRunnerStats {
  runs: number;
  failures: number;
  lastRunMs?: number;
  lastError?: string;
  /** Event-time "now" of the last run (µs). */
  lastNowUs?: number;
  /** Per flow, the last run: events read, alerts recomputed, overflow counters. */
  results: IncrementalResult[];
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
  /** Events at most this many per flow and run; the rest waits (counted as deferred). */
  maxEvents?: number;
  /** Subsystems whose pipelines are still catching up. */
  lagging?: () => string[];
  /** Runs only while this says yes (the processor lease, lease.ts). */
  gate?: () => Promise<boolean>;
  onError?: (e: unknown) => void;
}

export function startFlowRunner(
  warehouse: Warehouse,
  flows: FlowDef[],
  opts: FlowRunnerOptions = {},
): FlowRunner {
  const stats: FlowRunnerStats = { runs: 0, failures: 0, results: [] };
  let ready: Promise<void> | undefined;
  // An idle run is two small reads, so DuckDB's runs come twice a second: the wait for the next
  // run is half of the lag at moderate rates. A ClickHouse run recomputes the open alerts, so once.
  const intervalMs = opts.intervalMs ?? (warehouse.dialect === 'clickhouse' ? 1000 : 500);
  let behind = false; // a failed run never repeats at once

  const run = async () => {
    behind = false;
    ready ??= ensureFlowTables(warehouse);
    await ready;
    const started = performance.now();
    const results: IncrementalResult[] = [];
    const o = { idleUs: opts.idleUs ?? 60e6, skewUs: opts.skewUs ?? 60e6, lagging: opts.lagging?.() };
    let catchingUp = false;
    for (const flow of flows) {
      if (warehouse.dialect === 'clickhouse') {
        // Set-based by windows on the engine (flow-clickhouse.ts): the open alerts each run.
        const r = await processFlowClickHouse(warehouse, flow, o);
        catchingUp ||= r?.behind ?? false;
        results.push({
          flow: flow.name,
          events: 0,
          alerts: r?.alerts ?? 0,
          nowUs: r?.nowUs,
          deferred: 0,
          overflow: 0,
          dropped: 0,
          pending: 0,
        });
        continue;
      }
      // Re-read at least 3 s behind the last position, and as far as recent commits landed late,
      // so a batch held up behind a slow commit is not passed over.
      const marginUs = lateMarginUs(warehouse, 3e6);
      results.push(await processIncrement(warehouse, flow, { ...o, marginUs, maxEvents: opts.maxEvents }));
    }
    stats.runs++;
    stats.lastRunMs = performance.now() - started;
    behind =
      catchingUp ||
      (stats.lastRunMs >= intervalMs && results.some((r) => r.events > 0)) ||
      results.some((r, i) => r.deferred > (stats.results[i]?.deferred ?? r.deferred));
    const nows = results.flatMap((r) => (r.nowUs === undefined ? [] : [r.nowUs]));
    if (nows.length) stats.lastNowUs = Math.min(...nows);
    stats.results = results;
  };

  const loop = startPeriodic(run, {
    intervalMs,
    // A run that read events for a whole interval (or left some for later) means more are waiting
    // already: the next run starts at once rather than at the next tick (an idle run never repeats).
    again: () => behind,
    stats,
    onError: opts.onError,
    enabled: flows.length > 0,
    gate: opts.gate,
  });
  return { stats: () => ({ ...stats }), runOnce: loop.runOnce, stop: loop.stop };
}
