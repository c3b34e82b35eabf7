// Test fixture: a batch simulation of the demo world ingested by the real demo pipelines into a
// real DuckDB file, returned open with its configuration and ground truth.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Config, loadConfig } from '../../src/config/load.ts';
import { waitUntilIdle } from '../../src/pipeline/idle.ts';
import { type Ingest, startIngest } from '../../src/pipeline/ingest.ts';
import { type SimulateOptions, simulate } from '../../src/sim/simulate.ts';
import { openWarehouse } from '../../src/warehouse/open.ts';
import type { Warehouse } from '../../src/warehouse/warehouse.ts';

export const DEMO_CONFIG = fileURLToPath(new URL('../../config/demo/mortar.yaml', import.meta.url));

export interface SimulatedWarehouse {
  dir: string;
  config: Config;
  warehouse: Warehouse;
  ingest: Ingest;
  /** truth.jsonl records of one kind. */
  truth<T>(kind: string): T[];
}

export async function simulatedWarehouse(
  opts: Omit<SimulateOptions, 'outDir'>,
  prefix = 'mortar-sim-',
): Promise<SimulatedWarehouse> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  await simulate({ ...opts, outDir: join(dir, 'sim') });
  const config = loadConfig(DEMO_CONFIG, { dataDir: dir });
  const warehouse = await openWarehouse({ type: 'duckdb', path: join(dir, 'mortar.duckdb') });
  const ingest = await startIngest(config, warehouse);
  await waitUntilIdle(ingest);
  await ingest.stop();
  const lines = readFileSync(join(dir, 'sim', 'truth.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean);
  return {
    dir,
    config,
    warehouse,
    ingest,
    truth: <T>(kind: string) =>
      lines
        .filter((l) => l.includes(`"kind":"${kind}"`))
        .map((l) => JSON.parse(l) as T)
        .filter((r) => (r as { kind?: string }).kind === kind),
  };
}

/** ISO 8601 UTC with up to 9 fraction digits -> microseconds. */
export function isoUs(iso: string): number {
  const m = /^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d+))?Z$/.exec(iso);
  if (!m) throw new Error(`not an ISO UTC time: ${iso}`);
  return Date.parse(`${m[1]}Z`) * 1000 + Number((m[2] ?? '').padEnd(6, '0').slice(0, 6));
}

/** Flow step names of the demo alarm flow by the truth's step type. */
export const DEMO_STEP_OF: Record<string, string> = {
  'sensor.alarm': 'sensor',
  'gateway.forwarded': 'gateway',
  'alarm.raised': 'raised',
  'alarm.dispatched': 'dispatched',
  'video.bookmark': 'video',
  'console.displayed': 'displayed',
  'console.acknowledged': 'operator-ack',
  'alarm.acknowledged': 'acknowledged',
  'alarm.cleared': 'cleared',
};
