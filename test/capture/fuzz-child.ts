// The process under test of the fuzz test: ingests the configuration in DATA_DIR into its DuckDB
// file until every source has read its files to the end, then prints one JSON line with the
// per-pipeline counters and the warehouse's counts, and waits for stdin to close, so that the
// parent can read this process's peak RSS (VmHWM) from /proc while it is still alive. An ingest
// that has not finished after STALL_MS prints what it has with `stalled: true` and exits 3.
import { once } from 'node:events';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../../src/config/load.ts';
import { waitUntilIdle } from '../../src/pipeline/idle.ts';
import { startIngest } from '../../src/pipeline/ingest.ts';
import { openWarehouse } from '../../src/warehouse/open.ts';

const [dir, stallMs = '90000'] = process.argv.slice(2);
if (!dir) {
  process.stderr.write('usage: fuzz-child.ts DATA_DIR [STALL_MS]\n');
  process.exit(2);
}
const config = loadConfig(join(dir, 'mortar.yaml'));
const warehouse = await openWarehouse({ type: 'duckdb', path: join(dir, 'mortar.duckdb') });
const ingest = await startIngest(config, warehouse);
const errors: string[] = [];
ingest.events.on('error', (e) => errors.push(String(e)));
const stall = setTimeout(() => {
  process.stdout.write(`${JSON.stringify({ stalled: true, errors, status: ingest.status() })}\n`);
  process.exit(3);
}, Number(stallMs));
// Idle alone is not enough: before a source has found its file nothing is behind either.
while (Object.values(ingest.status().pipelines).some((p) => p.filesKnown === 0)) await sleep(50);
const idle = await waitUntilIdle(ingest, { pollMs: 100, quietPolls: 5 });
await ingest.stop();
clearTimeout(stall);
const status = ingest.status();
const counts = await warehouse.counts();
await warehouse.close();
process.stdout.write(`${JSON.stringify({ idle, errors, pipelines: status.pipelines, counts })}\n`);
process.stdin.resume();
await once(process.stdin, 'end');
