// `mortar migrate -c FILE --to clickhouse://host:port/db[?cluster=c&shards=h:p,h:p]`: moves an
// embedded (DuckDB) installation to ClickHouse: events, dead letters and read positions, in
// batches with a progress bar, then the access records of the SQLite file beside it (users,
// tokens, audit log) and the link decisions. Re-running after an interruption continues where the
// target stands and stores nothing twice (see warehouse/copy/copyWarehouse.ts, copyAccess.ts,
// copyLinkDecisions.ts). Ends with the counts of both sides, one audit entry recording the move,
// and the `warehouse:` block to put in the configuration.
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { accessStorePath } from '../../access/settings.ts';
import { loadConfig } from '../../config/load.ts';
import { UserError } from '../../events/errors.ts';
import { parseClickHouseTarget, warehouseYaml } from '../../warehouse/copy/clickhouseTarget.ts';
import { copyAccess, type MovedCount, recordMigration } from '../../warehouse/copy/copyAccess.ts';
import { copyLinkDecisions } from '../../warehouse/copy/copyLinkDecisions.ts';
import { type CopyProgress, copyWarehouse, tablesNotCopied } from '../../warehouse/copy/copyWarehouse.ts';
import { openWarehouse, warehouseOptionsFor } from '../../warehouse/open.ts';
import type { Warehouse } from '../../warehouse/warehouse.ts';
import { intFlag, parseFlags } from '../args.ts';

const HELP = `usage: mortar migrate -c FILE --to URL [--password-env VAR] [--batch N] [--data DIR]

Copies the configuration's embedded DuckDB warehouse (events, dead letters, read positions), the
access records beside it (users, API tokens, audit log) and the accept/dismiss decisions of the
Links page to ClickHouse. Stop Mortar first (the DuckDB file is locked while it runs). Safe to
re-run: an interrupted migration continues and never stores a row twice.

  --to URL            clickhouse://host:8123/mortar (the HTTP port; http:// and https:// work too)
                      a cluster: clickhouse://ch-1:8123/mortar?cluster=NAME&shards=ch-1:8123,ch-2:8123
                      another user: ...?user=NAME
  --password-env VAR  the environment variable holding the ClickHouse password
  --batch N           rows per batch (default 5000)

Derived tables (flows, health, catalog, patterns, link candidates) are not copied: processing
rebuilds them from the events. Sessions are not copied (users sign in again). Saved reports and
views are not copied yet (ClickHouse has no table for them).`;

const LABEL: Record<CopyProgress['table'], string> = {
  events: 'events',
  dead_letters: 'dead letters',
  source_positions: 'positions',
};

function progress(): ((p: CopyProgress) => void) & { end: () => void } {
  const tty = process.stderr.isTTY;
  let last = 0;
  let line = '';
  let table = '';
  const flush = () => line && process.stderr.write(tty ? `\r\x1b[K${line}\n` : `${line}\n`);
  const draw = (p: CopyProgress) => {
    if (p.table !== table) {
      if (table) flush();
      table = p.table;
      last = 0;
    }
    const frac = p.total > 0 ? p.done / p.total : 1;
    const filled = Math.round(frac * 30);
    line = `${LABEL[p.table].padEnd(12)} [${'#'.repeat(filled)}${'.'.repeat(30 - filled)}] ${(frac * 100).toFixed(0).padStart(3)}%  ${p.done.toLocaleString('en')}/${p.total.toLocaleString('en')}`;
    const now = Date.now();
    if (now - last < (tty ? 100 : 5000)) return;
    last = now;
    process.stderr.write(tty ? `\r\x1b[K${line}` : `${line}\n`);
  };
  return Object.assign(draw, { end: flush });
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseFlags(
    argv,
    {
      config: { type: 'string', short: 'c', default: 'mortar.yaml' },
      to: { type: 'string' },
      'password-env': { type: 'string' },
      batch: { type: 'string' },
      data: { type: 'string' },
    },
    HELP,
  );
  if (values.to === undefined)
    throw new UserError('bad_request', `--to is required\n\n${HELP}`, [
      { where: '--to', message: 'missing', hint: 'e.g. --to clickhouse://127.0.0.1:8123/mortar' },
    ]);
  const passwordEnv = values['password-env'] as string | undefined;
  const password = passwordEnv === undefined ? undefined : process.env[passwordEnv];
  if (passwordEnv !== undefined && password === undefined)
    throw new UserError('bad_request', `--password-env names ${passwordEnv}, which is not set`, [
      { where: '--password-env', message: 'environment variable missing', hint: `export ${passwordEnv}=...` },
    ]);
  const targetOptions = parseClickHouseTarget(values.to as string, password);
  const batchRows = intFlag('batch', values.batch as string | undefined, 5_000, 1, 100_000);
  const config = loadConfig(values.config as string, { dataDir: values.data as string | undefined });
  const sourceOptions = warehouseOptionsFor(config);
  if (sourceOptions.type !== 'duckdb')
    throw new UserError('bad_request', `${values.config} already uses ClickHouse; nothing to migrate`, [
      {
        where: 'warehouse.type',
        message: sourceOptions.type,
        hint: 'migrate reads an embedded (duckdb) installation',
      },
    ]);
  if (!existsSync(sourceOptions.path))
    throw new UserError('not_found', `no warehouse at ${sourceOptions.path}`, [
      {
        where: 'data_dir',
        message: 'file missing',
        hint: 'point -c (or --data) at the installation to move',
      },
    ]);

  const source = await openWarehouse(sourceOptions);
  let target: Warehouse | undefined;
  try {
    target = await openWarehouse(targetOptions);
    console.error(`copying ${sourceOptions.path} to ${targetOptions.url} database ${targetOptions.database}`);
    const bar = progress();
    const started = Date.now();
    const result = await copyWarehouse(source, target, { batchRows, onProgress: bar });
    bar.end();
    const skipped = await tablesNotCopied(source);
    console.log(`\ncounts (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    console.log(`  ${'table'.padEnd(18)} ${'duckdb'.padStart(10)} ${'clickhouse'.padStart(10)}`);
    for (const c of result.counts) {
      const dup = c.target !== c.targetDistinct ? `  (${c.target - c.targetDistinct} duplicates!)` : '';
      console.log(
        `  ${c.table.padEnd(18)} ${String(c.source).padStart(10)} ${String(c.target).padStart(10)}${dup}`,
      );
    }
    if (result.positionsKept > 0)
      console.log(`  ${result.positionsKept} positions in ClickHouse were further along and kept`);

    const storePath = accessStorePath(config);
    const access = await copyAccess(storePath, target);
    const decisions = await copyLinkDecisions(source, target);
    const moved = (label: string, c: MovedCount) =>
      console.log(
        `  ${label.padEnd(18)} ${String(c.source).padStart(10)} ${String(c.copied).padStart(10)} ${String(c.kept).padStart(14)}`,
      );
    console.log(
      `\nmoved${access ? ` (access records from ${storePath})` : ''}\n  ${'records'.padEnd(18)} ${'source'.padStart(10)} ${'copied now'.padStart(10)} ${'already there'.padStart(14)}`,
    );
    if (access) {
      moved('users', access.users);
      moved('api tokens', access.tokens);
      moved('audit entries', access.audit);
      if (access.policy.source > 0) moved('policy versions', access.policy);
    }
    moved('link decisions', decisions);
    if (!access) console.log(`  no access store at ${storePath}: no users, tokens or audit log to move`);
    else if (access.sessionsLeft > 0)
      console.log(`  ${access.sessionsLeft} sessions not copied: users sign in again after the move`);
    const derived = skipped.filter((s) => !s.table.startsWith('report_'));
    const saved = skipped.filter((s) => s.table.startsWith('report_'));
    console.log(
      '\nderived tables are not copied: processing rebuilds them from the events (on DuckDB today)',
    );
    if (derived.length > 0)
      console.log(`  skipped: ${derived.map((s) => `${s.table} (${s.rows})`).join(', ')}`);
    if (saved.some((s) => s.rows > 0)) {
      console.log(
        '\nnot copied, saved by users (ClickHouse has no table for them yet; keep the DuckDB file):',
      );
      console.log(`  ${saved.map((s) => `${s.table} (${s.rows})`).join(', ')}`);
    }
    if (!result.ok) {
      console.log(
        '\nthe counts differ: the ClickHouse database held other rows before, or a write was lost;',
      );
      console.log('run migrate again (it only adds what is missing), or migrate into an empty database');
      return 1;
    }
    const at = Date.now();
    const recorded = await recordMigration(target, {
      actor: `cli:${userInfo().username}`,
      source: sourceOptions.path,
      at,
      throughSeq: access?.throughSeq ?? 0,
      afterSeq: access?.lastTargetSeq ?? 0,
      detail: {
        to: `${targetOptions.url} database ${targetOptions.database}`,
        events: result.counts[0]!.source,
        dead_letters: result.counts[1]!.source,
        users: access?.users.source ?? 0,
        tokens: access?.tokens.source ?? 0,
        audit_entries: access?.audit.source ?? 0,
        link_decisions: decisions.source,
      },
    });
    console.log(
      recorded
        ? '\nthe audit log records this migration (action "migrate")'
        : '\nthe audit log already records this migration',
    );
    console.log(`\ndone. Replace the warehouse block of ${values.config} with:\n`);
    console.log(warehouseYaml(targetOptions, passwordEnv));
    console.log('\nthen restart Mortar; ingest continues from the copied read positions.');
    return 0;
  } finally {
    await target?.close();
    await source.close();
  }
}
