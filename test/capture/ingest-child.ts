// A child process for the SIGKILL test: runs the real ingest of the configuration in a data
// directory into its DuckDB file. `run`: until killed. `drain <n>`: until the warehouse holds at
// least n events and nothing is pending, then stops cleanly and exits 0. It loads its modules,
// prints `loaded`, and starts only when it reads `go` on stdin, so that the test can start the
// next process while the current one still runs (loading takes seconds; DuckDB allows one writer).
import { once } from 'node:events';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../../src/config/load.ts';
import { startIngest } from '../../src/pipeline/ingest.ts';
import { openWarehouse } from '../../src/warehouse/open.ts';

const [dir, mode, expected] = process.argv.slice(2);
if (!dir || (mode !== 'run' && mode !== 'drain')) {
  process.stderr.write('usage: ingest-child.ts DATA_DIR run|drain [EVENTS]\n');
  process.exit(2);
}
process.stdout.write('loaded\n');
let input = '';
process.stdin.on('data', (d) => {
  input += d;
});
while (!input.includes('go\n')) await once(process.stdin, 'data');
process.stdin.pause();
const config = loadConfig(join(dir, 'mortar.yaml'));
const warehouse = await openWarehouse({ type: 'duckdb', path: join(dir, 'mortar.duckdb') });
const ingest = await startIngest(config, warehouse);
ingest.events.on('error', (e) => process.stderr.write(`commit error: ${String(e)}\n`));
process.stdout.write('ready\n');
if (mode === 'drain') {
  const want = Number(expected);
  const until = Date.now() + 60_000;
  for (let quiet = 0; quiet < 5 && Date.now() < until; ) {
    await sleep(50);
    const stored = (await warehouse.counts()).events;
    quiet = stored >= want && ingest.status().pendingRows === 0 ? quiet + 1 : 0;
  }
  await ingest.stop();
  await warehouse.close();
  process.stdout.write('drained\n');
  process.exit(0);
}
await ingest.done;
