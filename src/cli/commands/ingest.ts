// `mortar ingest -c FILE --once [--data DIR]`: backfills every file of every pipeline to its end
// (with a progress bar), commits, and exits. Without --once it ingests until Ctrl-C, without a
// server. Resumes from committed positions either way.
import { loadConfig } from '../../config/load.ts';
import { UserError } from '../../events/errors.ts';
import { watchConfig } from '../../pipeline/config-watch.ts';
import { waitUntilIdle } from '../../pipeline/idle.ts';
import { startIngest } from '../../pipeline/ingest.ts';
import { CAPTURE } from '../../warehouse/duckdb/database.ts';
import { openWarehouse, warehouseOptionsFor } from '../../warehouse/open.ts';
import { parseFlags } from '../args.ts';
import { untilSignal } from '../run-server.ts';

const HELP = `usage: mortar ingest -c FILE [--once] [--data DIR]

Runs the pipelines of the configuration into its warehouse without a server. --once reads every
file to its end, commits and exits (backfill); otherwise it follows the files until Ctrl-C.`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseFlags(
    argv,
    {
      config: { type: 'string', short: 'c', default: 'mortar.yaml' },
      once: { type: 'boolean', default: false },
      data: { type: 'string' },
    },
    HELP,
  );
  const config = loadConfig(values.config as string, { dataDir: values.data as string | undefined });
  if (Object.keys(config.pipelines).length === 0) {
    throw new UserError('bad_request', `${values.config} declares no pipelines; nothing to ingest`);
  }
  // Capture only: a small DuckDB pool keeps the process within its memory bound, and with no
  // flow state rewritten, fewer, larger checkpoints are cheaper (database.ts).
  const options = warehouseOptionsFor(config);
  const warehouse = await openWarehouse(
    options.type === 'duckdb' ? { ...options, tuning: CAPTURE } : options,
  );
  const ingest = await startIngest(config, warehouse);
  // Without a listener an 'error' event would end the process: a failed commit is retried instead.
  ingest.events.on('error', (e) => console.error(`ingest: commit failed, will retry: ${String(e)}`));
  const started = Date.now();
  const bar = progressBar();
  if (values.once) {
    await waitUntilIdle(ingest, {
      onPoll: (s) => {
        const ps = Object.values(s.pipelines);
        const read = ps.reduce((a, p) => a + p.bytesRead, 0);
        const behind = ps.reduce((a, p) => a + p.bytesBehind, 0);
        bar(
          read,
          read + behind,
          ps.reduce((a, p) => a + p.read, 0),
        );
      },
    });
    // Standard input has no end to catch up with: wait until the writer closes it.
    if (Object.values(config.pipelines).some((p) => p.source.type === 'stdin'))
      await Promise.race([ingest.done, untilSignal()]);
  } else {
    console.error('ingesting; Ctrl-C stops (edits of the configuration apply without a restart)');
    const watcher = watchConfig({
      config,
      load: () => loadConfig(values.config as string, { dataDir: values.data as string | undefined }),
      ingest,
      log: (s) => console.error(s),
    });
    await Promise.race([untilSignal(), ingest.done]);
    watcher.stop();
  }
  await ingest.stop();
  await warehouse.close();
  bar.done();
  const seconds = (Date.now() - started) / 1000;
  for (const [name, p] of Object.entries(ingest.status().pipelines)) {
    console.log(
      `${name}: read ${p.read}, events ${p.events}, dead letters ${p.deadLetters}, filtered ${p.filtered}`,
    );
  }
  console.log(`done in ${seconds.toFixed(1)} s`);
  return 0;
}

function progressBar(): ((done: number, total: number, records: number) => void) & { done: () => void } {
  const tty = process.stderr.isTTY;
  let last = 0;
  let final = '';
  const draw = (done: number, total: number, records: number) => {
    const now = Date.now();
    final = render(done, total, records);
    if (now - last < (tty ? 100 : 5000)) return;
    last = now;
    process.stderr.write(tty ? `\r\x1b[K${final}` : `${final}\n`);
  };
  return Object.assign(draw, {
    done: () => final && process.stderr.write(tty ? `\r\x1b[K${final}\n` : `${final}\n`),
  });
}

function render(done: number, total: number, records: number): string {
  const frac = total > 0 ? done / total : 1;
  const width = 30;
  const filled = Math.round(frac * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}%  ${(done / 1e6).toFixed(1)}/${(total / 1e6).toFixed(1)} MB  ${records.toLocaleString('en')} records`;
}
