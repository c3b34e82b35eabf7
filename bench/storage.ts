// storage.bytes_per_event: bytes on disk per stored event, DuckDB and ClickHouse, beside the raw
// log bytes per line of the same input. The input is the demo world's simulated log files, read by
// the real demo pipelines into a DuckDB file (checkpointed and closed: its size is what a user's
// disk holds, events plus dead letters and positions); the same rows are then copied into a
// private ClickHouse server (test/support/clickhouse.ts; Debian's clickhouse-server) and measured
// from system.parts after OPTIMIZE ... FINAL (active parts only, all Mortar tables).
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config/load.ts';
import { waitUntilIdle } from '../src/pipeline/idle.ts';
import { startIngest } from '../src/pipeline/ingest.ts';
import { simulate } from '../src/sim/simulate.ts';
import { copyWarehouse } from '../src/warehouse/copy/copyWarehouse.ts';
import { openWarehouse } from '../src/warehouse/open.ts';
import { startClickHouse } from '../test/support/clickhouse.ts';
import type { BenchContext, Measurement, Scenario } from './scenario.ts';

const DEMO_CONFIG = fileURLToPath(new URL('../config/demo/mortar.yaml', import.meta.url));

async function clickhouse(url: string, query: string): Promise<string> {
  const res = await fetch(`${url}/?query=${encodeURIComponent(query)}`, { method: 'POST' });
  const text = await res.text();
  if (!res.ok) throw new Error(`clickhouse: ${text.trim()}`);
  return text.trim();
}

async function run(ctx: BenchContext): Promise<Measurement> {
  const simulated = Math.max(60_000, Math.round(1_800_000 * ctx.scale));
  ctx.progress(`simulating ${simulated / 60_000} min of the demo world`);
  const sim = await simulate({
    outDir: join(ctx.dir, 'sim'),
    seed: 3,
    durationMs: simulated,
    ratePerSecond: 5,
    rotateBytes: 1 << 30,
    start: new Date(Date.parse('2026-03-01T00:00:00Z')),
  });
  const loaded = loadConfig(DEMO_CONFIG, { dataDir: ctx.dir });
  const config = { ...loaded, ingest: { ...loaded.ingest, workers: 0 } };
  const duckPath = join(ctx.dir, 'mortar.duckdb');
  ctx.progress(`ingesting ${sim.totalLines.toLocaleString('en')} lines into DuckDB`);
  let duck = await openWarehouse({ type: 'duckdb', path: duckPath });
  const ingest = await startIngest(config, duck);
  await waitUntilIdle(ingest);
  await ingest.stop();
  const counts = await duck.counts();
  await duck.close();
  const duckBytes = statSync(duckPath).size;

  ctx.progress('copying the same rows into ClickHouse');
  const server = await startClickHouse();
  try {
    duck = await openWarehouse({ type: 'duckdb', path: duckPath });
    const ch = await openWarehouse({ type: 'clickhouse', url: server.url, database: 'bench' });
    const copyStarted = performance.now();
    const copied = await copyWarehouse(duck, ch, { batchRows: 5_000 });
    const copySeconds = (performance.now() - copyStarted) / 1000;
    await Promise.all([duck.close(), ch.close()]);
    if (!copied.ok) throw new Error('storage bench: the ClickHouse copy is incomplete');
    for (const t of ['events', 'dead_letters', 'source_positions_log'])
      await clickhouse(server.url, `optimize table bench.${t} final`);
    const chBytes = Number(
      await clickhouse(
        server.url,
        "select sum(bytes_on_disk) from system.parts where active and database = 'bench'",
      ),
    );
    const eventsOnly = Number(
      await clickhouse(
        server.url,
        "select sum(bytes_on_disk) from system.parts where active and database = 'bench' and table = 'events'",
      ),
    );
    const perEvent = (b: number) => b / counts.events;
    return {
      value: perEvent(chBytes),
      unit: 'bytes/event (ClickHouse)',
      reference: { name: 'raw log bytes/line', value: sim.bytes / sim.totalLines },
      notes: [
        `DuckDB ${perEvent(duckBytes).toFixed(1)} bytes/event (file ${(duckBytes / 1e6).toFixed(1)} MB)`,
        `ClickHouse ${(chBytes / 1e6).toFixed(1)} MB, events table alone ${perEvent(eventsOnly).toFixed(1)} bytes/event`,
        `copy DuckDB -> ClickHouse (as mortar migrate) ${Math.round(counts.events / copySeconds).toLocaleString('en')} events/s`,
        `${counts.events.toLocaleString('en')} events + ${counts.deadLetters.toLocaleString('en')} dead letters from ${sim.totalLines.toLocaleString('en')} lines, ${(sim.bytes / 1e6).toFixed(1)} MB raw`,
      ].join('; '),
    };
  } finally {
    await server.stop();
  }
}

export const storageBytesPerEvent: Scenario = {
  name: 'storage.bytes_per_event',
  description:
    'bytes on disk per event (ClickHouse after OPTIMIZE FINAL; DuckDB file in notes) beside the raw log bytes per line',
  better: 'lower',
  run,
};
