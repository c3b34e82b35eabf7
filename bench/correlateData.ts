// Synthetic data for the correlate and cockpit benchmarks, generated set-based inside DuckDB (no
// log files, no parsing): a six-step flow over six subsystems (five hops, an id bridge at the third
// step), alerts `gapUs` apart with steps `stepUs` apart, 1% lost before the last step, written
// straight into the events table of a real warehouse in the schema ingest uses.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Config, loadConfig } from '../src/config/load.ts';
import { defineFlows, type FlowDef } from '../src/process/flows/definition.ts';
import { openWarehouse } from '../src/warehouse/open.ts';
import { sql } from '../src/warehouse/sql.ts';
import type { Warehouse } from '../src/warehouse/warehouse.ts';

export const STEPS = 6;
export const STEP_US = 40_000;
export const T0_US = Date.parse('2026-03-01T00:00:00Z') * 1000;

const step = (k: number) => {
  const key = k < 3 ? 'a' : 'b';
  const extra = k === 2 ? ', emits: b' : '';
  const sla = k === 0 ? '' : ', sla: 100ms';
  return `      - { name: step${k}, match: { subsystem: s${k}, type: step${k} }, key: ${key}${extra}${sla} }`;
};

const CONFIG = `data_dir: .
warehouse: { type: duckdb, path: bench.duckdb }
subsystems:
${Array.from({ length: STEPS }, (_, k) => `  s${k}: { components: [s${k}-0, s${k}-1, s${k}-2, s${k}-3] }`).join('\n')}
edges:
${Array.from({ length: STEPS - 1 }, (_, k) => `  - { from: s${k}, to: s${k + 1} }`).join('\n')}
flows:
  bench:
    sla: 1s
    deadline: 20s
    horizon: 60s
    steps:
${Array.from({ length: STEPS }, (_, k) => step(k)).join('\n')}
`;

export interface BenchWorld {
  config: Config;
  flow: FlowDef;
  warehouse: Warehouse;
}

export async function openBenchWorld(dir: string): Promise<BenchWorld> {
  writeFileSync(join(dir, 'mortar.yaml'), CONFIG);
  const config = loadConfig(join(dir, 'mortar.yaml'), { dataDir: dir });
  const [flow] = defineFlows(config) as [FlowDef];
  const warehouse = await openWarehouse({ type: 'duckdb', path: join(dir, 'bench.duckdb') });
  return { config, flow, warehouse };
}

/**
 * Events of alerts [lo, hi): alert i starts at T0 + i * gapUs; only events whose time lies in
 * [fromUs, toUs) are written (for live feeding), all of them by default. received_at: `receivedUs`
 * or the event time.
 */
export async function insertAlerts(
  warehouse: Warehouse,
  o: { lo: number; hi: number; gapUs: number; fromUs?: number; toUs?: number; receivedUs?: number },
): Promise<void> {
  const t = sql`(${T0_US}::bigint + a.i * ${o.gapUs}::bigint + s.k * ${STEP_US}::bigint)`;
  const received = o.receivedUs === undefined ? t : sql`${o.receivedUs}::bigint`;
  const from = o.fromUs ?? Number.MIN_SAFE_INTEGER;
  const to = o.toUs ?? Number.MAX_SAFE_INTEGER;
  await warehouse.execute([
    sql`insert into events select 'b' || a.i || '-' || s.k, make_timestamp(${t}), make_timestamp(${received}),
        's' || s.k, 's' || s.k || '-' || (a.i % 4), 'file', 'alert', 'step' || s.k, 'info',
        case when s.k < 2 then map(['a'], ['r' || a.i]) when s.k = 2 then map(['a', 'b'], ['r' || a.i, 'x' || a.i])
          else map(['b'], ['x' || a.i]) end,
        '{}', 'step ' || s.k || ' of alert ' || a.i, 'raw line', 'bench', 'gen', a.i * 6 + s.k
      from range(${o.lo}::bigint, ${o.hi}::bigint) as a(i), range(0, ${STEPS}) as s(k)
      where not (s.k = ${STEPS - 1} and a.i % 100 = 7) and ${t} >= ${from} and ${t} < ${to}`,
  ]);
}
