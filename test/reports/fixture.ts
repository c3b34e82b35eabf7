// Shared fixture of the report tests: a 10-minute batch simulation of the demo world in a real
// DuckDB file, flows and health processed, the report catalog and the HTTP app over it.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { LiveTotals } from '../../src/api/live.ts';
import { createApp } from '../../src/api/server.ts';
import { waitUntilIdle } from '../../src/pipeline/idle.ts';
import { startIngest } from '../../src/pipeline/ingest.ts';
import { defineFlows, type FlowDef } from '../../src/process/flows/definition.ts';
import { ensureFlowTables, newestEventUs, processFlow } from '../../src/process/flows/flow-processor.ts';
import { defineHealth } from '../../src/process/health/definition.ts';
import { ensureHealthTables, eventSpanUs, processHealth } from '../../src/process/health/health-processor.ts';
import { type ReportCatalog, reportCatalog } from '../../src/reports/catalog.ts';
import { reportStore } from '../../src/reports/store.ts';
import { type SimulatedWarehouse, simulatedWarehouse } from '../support/simulated-warehouse.ts';

export const START_US = Date.parse('2026-03-02T10:00:00Z') * 1000;
export const DURATION_MS = 10 * 60_000;
/** A range covering the whole simulation, as a time_range filter value. */
export const ALL_TIME = '2026-03-02T09:00:00Z..2026-03-02T12:00:00Z';

/** Log file -> garbled lines appended to it (each must become one dead letter of its pipeline). */
export const GARBLED: Record<string, number> = { 'gateway/gw-a.log': 7, 'video/vms-1.log': 4 };

export interface ReportWorld {
  sim: SimulatedWarehouse;
  flows: FlowDef[];
  catalog: ReportCatalog;
  app: Hono;
}

export async function reportWorld(
  prefix: string,
  size: { durationMs?: number; ratePerSecond?: number } = {},
): Promise<ReportWorld> {
  const sim = await simulatedWarehouse(
    {
      seed: 5,
      durationMs: size.durationMs ?? DURATION_MS,
      ratePerSecond: size.ratePerSecond ?? 2,
      corruptRate: 0,
      lossRate: 0.05,
      scenarios: 'failover,console-stall',
      start: new Date(START_US / 1000),
    },
    prefix,
  );
  const { warehouse, config } = sim;
  // Garbled lines appended after the run: known dead letters per pipeline, through the real pipelines.
  for (const [file, n] of Object.entries(GARBLED)) {
    const lines = Array.from({ length: n }, (_, i) => `<<garbled line ${i} \u0000 not a record>>\n`).join('');
    appendFileSync(join(sim.dir, 'sim', file), lines);
  }
  const again = await startIngest(config, warehouse);
  await waitUntilIdle(again);
  await again.stop();
  const flows = defineFlows(config);
  await ensureFlowTables(warehouse);
  const endUs = (await newestEventUs(warehouse))!;
  for (const flow of flows)
    await processFlow(warehouse, flow, {
      fromUs: START_US,
      toUs: endUs + 1,
      nowUs: endUs,
      idleUs: 60e6,
      skewUs: 60e6,
    });
  const health = defineHealth(config);
  if (health) {
    await ensureHealthTables(warehouse);
    const span = (await eventSpanUs(warehouse))!;
    await processHealth(warehouse, health, {
      fromUs: span.firstUs,
      toUs: span.lastUs + 1,
      nowUs: span.lastUs,
    });
  }
  const catalog = reportCatalog(config, flows, reportStore(warehouse));
  const app = createApp({ config, warehouse, live: new LiveTotals(), flows, health, version: 'test' });
  return { sim, flows, catalog, app };
}
