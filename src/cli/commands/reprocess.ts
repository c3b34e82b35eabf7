// `mortar reprocess -c FILE [--from T1] [--to T2] [--data DIR]`: rebuilds the derived flow and
// health tables from the stored events for a window (default: everything), in slices with a progress bar, e.g.
// after a flow rule changed. Safe while a server runs: each slice replaces its rows in one
// transaction, as the live runner does.
import { loadConfig } from '../../config/load.ts';
import { UserError } from '../../events/errors.ts';
import { parseDurationMs, usToIso } from '../../events/time.ts';
import { defineFlows } from '../../process/flows/definition.ts';
import { ensureFlowTables, newestEventUs, processFlow } from '../../process/flows/flow-processor.ts';
import { defineHealth } from '../../process/health/definition.ts';
import { ensureHealthTables, processHealth } from '../../process/health/health-processor.ts';
import { openWarehouse, warehouseOptionsFor } from '../../warehouse/open.ts';
import { sql } from '../../warehouse/sql.ts';
import { parseFlags } from '../args.ts';

const HELP = `usage: mortar reprocess -c FILE [--from ISO] [--to ISO] [--slice D] [--data DIR]

Rebuilds the derived tables (flows: alerts, steps, hops) from the stored events for alerts whose
first step lies in [from, to) — by default all stored events — in slices of --slice (default 1h);
and the health time lines (health_transitions, health_conditions) of [from, to), oldest slice first.`;

function time(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const ms = Date.parse(v);
  if (Number.isNaN(ms))
    throw new UserError(
      'bad_request',
      `--${flag} "${v}" is not a time; use ISO 8601 such as 2026-11-26T12:00:00Z`,
    );
  return ms * 1000;
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseFlags(
    argv,
    {
      config: { type: 'string', short: 'c', default: 'mortar.yaml' },
      from: { type: 'string' },
      to: { type: 'string' },
      slice: { type: 'string', default: '1h' },
      data: { type: 'string' },
    },
    HELP,
  );
  const config = loadConfig(values.config as string, { dataDir: values.data as string | undefined });
  const flows = defineFlows(config);
  const health = defineHealth(config);
  if (flows.length === 0 && !health)
    throw new UserError(
      'bad_request',
      `${values.config} declares no flows and no health; nothing to reprocess`,
    );
  const sliceMs = parseDurationMs(values.slice as string);
  if (sliceMs === undefined || sliceMs <= 0)
    throw new UserError('bad_request', `--slice "${values.slice}" is not a duration such as 15m or 1h`);
  const warehouse = await openWarehouse(warehouseOptionsFor(config));
  try {
    await ensureFlowTables(warehouse);
    if (health) await ensureHealthTables(warehouse);
    const newest = await newestEventUs(warehouse);
    if (newest === undefined) {
      console.log('no events stored; nothing to do');
      return 0;
    }
    const [oldest] = await warehouse.query(
      sql`select min(${warehouse.sqlDialect.epochUs(sql.id('ts'))}) as t from ${sql.id('events')}`,
    );
    const fromUs = time('from', values.from as string | undefined) ?? Number(oldest!.t);
    const toUs = time('to', values.to as string | undefined) ?? newest + 1;
    if (fromUs >= toUs) throw new UserError('bad_request', '--from must be before --to');
    const sliceUs = sliceMs * 1000;
    const slices = Math.ceil((toUs - fromUs) / sliceUs);
    const tty = process.stderr.isTTY;
    const counts: Record<string, number> = {};
    for (let i = 0; i < slices; i++) {
      const a = fromUs + i * sliceUs;
      const b = Math.min(toUs, a + sliceUs);
      for (const flow of flows) {
        const r = await processFlow(warehouse, flow, {
          fromUs: a,
          toUs: b,
          nowUs: newest,
          idleUs: 60e6,
          skewUs: 60e6,
        });
        for (const [state, n] of Object.entries(r.byState)) counts[state] = (counts[state] ?? 0) + n;
      }
      if (health) {
        const r = await processHealth(warehouse, health, { fromUs: a, toUs: b, nowUs: newest });
        counts['health intervals'] = (counts['health intervals'] ?? 0) + r.transitions;
      }
      const pct = Math.round(((i + 1) / slices) * 100);
      const line = `[${'#'.repeat(Math.round(pct / 4)).padEnd(25, '.')}] ${String(pct).padStart(3)}%  slice ${i + 1}/${slices} up to ${usToIso(b)}`;
      if (tty) process.stderr.write(`\r\x1b[K${line}`);
      else if (i === slices - 1 || (i + 1) % Math.max(1, Math.floor(slices / 10)) === 0)
        process.stderr.write(`${line}\n`);
    }
    if (tty) process.stderr.write('\n');
    console.log(
      `reprocessed ${usToIso(fromUs)} .. ${usToIso(toUs)}: ${
        Object.entries(counts)
          .map(([k, v]) => `${v} ${k}`)
          .join(', ') || 'no alerts'
      }`,
    );
    return 0;
  } finally {
    await warehouse.close();
  }
}
