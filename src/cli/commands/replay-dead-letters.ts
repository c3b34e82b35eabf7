// `mortar replay-dead-letters -c FILE [--pipeline ID] [--reason TEXT] [--from T] [--to T]
// [--dry-run]`: runs stored dead letters through the pipelines as they are configured NOW. A
// record that parses becomes the event it would have been the first time (same id, same receive
// time), one that a filter drops is resolved as filtered, one that still fails stays a dead
// letter with its new reason. Each batch's events, changed dead letters and the removal of the
// resolved ones are one commit (one transaction in DuckDB), and an event already stored is
// never stored twice, so replaying again, or after a crash, duplicates nothing.
import { loadConfig } from '../../config/load.ts';
import { UserError } from '../../events/errors.ts';
import type { DeadLetter, MortarEvent } from '../../events/event.ts';
import { type BuiltPipeline, buildPipelines } from '../../pipeline/build.ts';
import { isDeadLetter, isFiltered } from '../../pipeline/processor.ts';
import { openWarehouse, warehouseOptionsFor } from '../../warehouse/open.ts';
import { rowToDeadLetter } from '../../warehouse/queries.ts';
import { type Sql, sql } from '../../warehouse/sql.ts';
import type { Warehouse } from '../../warehouse/warehouse.ts';
import { intFlag, parseFlags } from '../args.ts';

const HELP = `usage: mortar replay-dead-letters -c FILE [--pipeline ID] [--reason TEXT]
                                   [--from TIME] [--to TIME] [--dry-run] [--batch N]

Runs the stored dead letters again through the CURRENT configuration of their pipeline (fix the
pipeline first, try it with mortar parse). Those that now parse become events with the ids they
would have had; those still failing keep their new reason. Stop mortar serve/ingest first: the
DuckDB file has one writer.

  --pipeline ID   only this pipeline's dead letters
  --reason TEXT   only dead letters whose reason contains TEXT (case-insensitive)
  --from, --to    only dead letters received in [from, to) (ISO 8601, e.g. 2026-11-26T12:00:00Z)
  --dry-run       count what would happen, change nothing
  --batch N       dead letters per transaction (default 1000)

Dead letters of the framing stage (lines over the size limit, undecodable bytes) hold only part
of their input and are skipped, as are those of pipelines no longer configured.`;

export interface ReplayFilter {
  pipeline?: string;
  reason?: string;
  fromUs?: number;
  toUs?: number;
}

export interface ReplaySummary {
  /** Dead letters selected by the filter. */
  selected: number;
  events: number;
  filtered: number;
  /** Still failing; `changed` of them now with another reason or stage. */
  stillFailing: number;
  changed: number;
  /** Their event was already stored (an earlier replay): resolved without a second copy. */
  alreadyStored: number;
  skippedFraming: number;
  skippedUnknownPipeline: number;
}

const col = (name: string) => sql.id(name);

function where(w: Warehouse, f: ReplayFilter, pipelines: string[]): Sql {
  const parts: Sql[] = [];
  if (f.pipeline !== undefined) parts.push(sql`${col('pipeline')} = ${f.pipeline}`);
  if (f.reason !== undefined) parts.push(w.sqlDialect.containsIgnoreCase(col('reason'), f.reason));
  if (f.fromUs !== undefined) parts.push(sql`${col('received_at')} >= ${sql.ts(f.fromUs)}`);
  if (f.toUs !== undefined) parts.push(sql`${col('received_at')} < ${sql.ts(f.toUs)}`);
  if (pipelines.length === 0) parts.push(sql`false`);
  return parts.length === 0
    ? sql`true`
    : sql.join(
        parts.map((x) => sql`(${x})`),
        sql` and `,
      );
}

/** Replays the dead letters matching `filter`; `onProgress(done, total, summary)` after each batch. */
export async function replayDeadLetters(
  warehouse: Warehouse,
  pipelines: BuiltPipeline[],
  filter: ReplayFilter,
  opts: { dryRun?: boolean; batch?: number; onProgress?: (done: number, s: ReplaySummary) => void } = {},
): Promise<ReplaySummary> {
  const byName = new Map(pipelines.map((p) => [p.name, p]));
  const cond = where(warehouse, filter, [...byName.keys()]);
  const s: ReplaySummary = {
    selected: 0,
    events: 0,
    filtered: 0,
    stillFailing: 0,
    changed: 0,
    alreadyStored: 0,
    skippedFraming: 0,
    skippedUnknownPipeline: 0,
  };
  const [count] = await warehouse.query(sql`select count(*) as n from dead_letters where ${cond}`);
  s.selected = Number(count?.n ?? 0);
  const batch = opts.batch ?? 1000;
  let after = '';
  let done = 0;
  for (;;) {
    // Keyset paging by id: rows rewritten by a commit (new reason) are behind the cursor already.
    const rows = await warehouse.query(
      sql`select ${col('id')}, ${warehouse.sqlDialect.epochUs(col('received_at'))} as received_at_us,
        ${col('source')}, ${col('pipeline')}, ${col('file')}, ${col('offset')}, ${col('stage')},
        ${col('reason')}, ${col('raw')}
        from dead_letters where ${cond} and ${col('id')} > ${after} order by ${col('id')} limit ${batch}`,
    );
    if (rows.length === 0) break;
    const letters = rows.map(rowToDeadLetter);
    after = letters.at(-1)!.id;
    const events: MortarEvent[] = [];
    const deadLetters: DeadLetter[] = [];
    const resolves: string[] = [];
    for (const d of letters) {
      const p = byName.get(d.pipeline);
      if (!p) {
        s.skippedUnknownPipeline++;
        continue;
      }
      if (d.stage === 'framing') {
        s.skippedFraming++;
        continue;
      }
      const record = {
        text: d.raw,
        file: d.file,
        // Parsers see the file identity only to recognise a file's first record (csv headers);
        // the id is the stored one, which hashes the original identity and position.
        fileId: `replay:${d.id}`,
        offset: d.offset,
        endOffset: d.offset + Buffer.byteLength(d.raw),
      };
      const out = p.processor.process(record, d.receivedAt);
      if (isFiltered(out)) {
        s.filtered++;
        resolves.push(d.id);
      } else if (isDeadLetter(out)) {
        s.stillFailing++;
        if (out.stage !== d.stage || out.reason !== d.reason) {
          s.changed++;
          resolves.push(d.id);
          deadLetters.push({ ...d, stage: out.stage, reason: out.reason });
        }
      } else {
        events.push({ ...out, id: d.id, receivedAt: d.receivedAt });
        resolves.push(d.id);
      }
    }
    const stored = await storedIds(
      warehouse,
      events.map((e) => e.id),
    );
    const fresh = events.filter((e) => !stored.has(e.id));
    s.alreadyStored += events.length - fresh.length;
    s.events += fresh.length;
    if (!opts.dryRun && resolves.length > 0)
      await warehouse.commit({ events: fresh, deadLetters, positions: [], resolvesDeadLetters: resolves });
    done += letters.length;
    opts.onProgress?.(done, s);
  }
  return s;
}

async function storedIds(w: Warehouse, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await w.query(
    sql`select ${col('id')} from events where ${col('id')} in (${sql.join(ids.map((id) => sql.value(id)))})`,
  );
  return new Set(rows.map((r) => String(r.id)));
}

function timeFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (!/\d{4}-\d\d-\d\d/.test(value) || Number.isNaN(ms))
    throw new UserError('bad_request', `--${name} "${value}" is not a time`, [
      { where: `--${name}`, message: 'expected ISO 8601', hint: 'e.g. 2026-11-26T12:00:00Z' },
    ]);
  return ms * 1000;
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseFlags(
    argv,
    {
      config: { type: 'string', short: 'c', default: 'mortar.yaml' },
      pipeline: { type: 'string', short: 'p' },
      reason: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      batch: { type: 'string' },
      data: { type: 'string' },
    },
    HELP,
  );
  const config = loadConfig(values.config as string, { dataDir: values.data as string | undefined });
  const pipelines = buildPipelines(config);
  const filter: ReplayFilter = {
    pipeline: values.pipeline as string | undefined,
    reason: values.reason as string | undefined,
    fromUs: timeFlag('from', values.from as string | undefined),
    toUs: timeFlag('to', values.to as string | undefined),
  };
  if (filter.pipeline !== undefined && !pipelines.some((p) => p.name === filter.pipeline)) {
    throw new UserError('bad_request', `no pipeline "${filter.pipeline}" in ${values.config}`, [
      { where: '--pipeline', message: 'unknown', hint: `one of: ${pipelines.map((p) => p.name).join(', ')}` },
    ]);
  }
  const dryRun = values['dry-run'] === true;
  const batch = intFlag('batch', values.batch as string | undefined, 1000, 1, 100_000);
  const warehouse = await openWarehouse(warehouseOptionsFor(config));
  if (warehouse.dialect !== 'duckdb') {
    await warehouse.close();
    throw new UserError('bad_request', 'replay-dead-letters needs the DuckDB warehouse for now', [
      { where: 'warehouse.type', message: warehouse.dialect, hint: 'replay into a DuckDB warehouse' },
    ]);
  }
  const show = progress();
  let summary: ReplaySummary;
  try {
    summary = await replayDeadLetters(warehouse, pipelines, filter, {
      dryRun,
      batch,
      onProgress: (done, s) => show(done, s.selected, s),
    });
  } finally {
    await warehouse.close();
  }
  show.done();
  const s = summary;
  console.log(
    `${dryRun ? 'dry run, nothing changed: ' : ''}${s.selected} dead letters: ${s.events} now events, ` +
      `${s.filtered} filtered, ${s.stillFailing} still failing (${s.changed} with a new reason), ` +
      `${s.alreadyStored} already stored, skipped ${s.skippedFraming} of the framing stage and ` +
      `${s.skippedUnknownPipeline} of unknown pipelines`,
  );
  return 0;
}

/** A progress line on stderr: redrawn on a terminal, every 5 s otherwise. */
function progress(): ((done: number, total: number, s: ReplaySummary) => void) & { done: () => void } {
  const tty = process.stderr.isTTY;
  let last = 0;
  let text = '';
  const draw = (done: number, total: number, s: ReplaySummary) => {
    const frac = total > 0 ? Math.min(1, done / total) : 1;
    const bar = '#'.repeat(Math.round(frac * 30)).padEnd(30, '.');
    text = `[${bar}] ${(frac * 100).toFixed(0).padStart(3)}%  ${done}/${total} dead letters  ${s.events} events  ${s.stillFailing} still failing`;
    if (Date.now() - last < (tty ? 100 : 5000)) return;
    last = Date.now();
    process.stderr.write(tty ? `\r\x1b[K${text}` : `${text}\n`);
  };
  return Object.assign(draw, {
    done: () => text && process.stderr.write(tty ? `\r\x1b[K${text}\n` : `${text}\n`),
  });
}
