// A child process for the bounded-memory test: runs the real ingest (parse workers, commit queue,
// DuckDB file) of a data directory whose warehouse is made slow by a delay before every commit,
// and prints its state as a JSON line every 250 ms: records read, events committed, bytes read,
// and the process's resident memory now and at its peak (VmHWM, all threads). `fast` on stdin
// removes the delay; `stop` stops cleanly and exits.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../../src/config/load.ts';
import { startIngest } from '../../src/pipeline/ingest.ts';
import { openWarehouse } from '../../src/warehouse/open.ts';

const [dir, delay] = process.argv.slice(2);
let delayMs = Number(delay);
let stopping = false;
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d: string) => {
  if (d.includes('fast')) delayMs = 0;
  if (d.includes('stop')) stopping = true;
});
const kb = (field: string) =>
  Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'))?.[1]);
const config = loadConfig(join(dir!, 'mortar.yaml'));
const warehouse = await openWarehouse({ type: 'duckdb', path: join(dir!, 'mortar.duckdb') });
const ingest = await startIngest(config, warehouse, {
  beforeCommit: () => (delayMs > 0 ? sleep(delayMs) : Promise.resolve()),
});
ingest.events.on('error', (e) => process.stderr.write(`commit error: ${String(e)}\n`));
while (!stopping) {
  const s = ingest.status();
  const p = Object.values(s.pipelines)[0];
  process.stdout.write(
    `${JSON.stringify({
      read: p?.read ?? 0,
      bytesRead: p?.bytesRead ?? 0,
      committed: s.commits.events,
      pendingRows: s.pendingRows,
      rssMb: kb('VmRSS') / 1024,
      peakMb: kb('VmHWM') / 1024,
    })}\n`,
  );
  await sleep(250);
}
await ingest.stop();
await warehouse.close();
process.exit(0);
