// One link-inference run over a window of event time: rebuilds link_values set-based on the
// warehouse, reads the pairwise statistics, infers candidate edges (link-infer.ts) and replaces
// link_candidates in one transaction. Runs are idempotent: the same window gives the same rows.
// On ClickHouse the statistics come from link-clickhouse.ts (the same numbers), and the
// candidates are a log behind a view: the new rows, then tombstones for the ids that went.
import { createHash } from 'node:crypto';
import { nowUs } from '../../events/time.ts';
import { LINK_DERIVED } from '../../warehouse/clickhouse/derivedSchema.ts';
import { nextVersion, replaceDerivedRows, workTable } from '../../warehouse/clickhouse/derivedTables.ts';
import { type Sql, type SqlValue, sql } from '../../warehouse/sql.ts';
import type { Warehouse } from '../../warehouse/warehouse.ts';
import { clickhouseLinkInput } from './link-clickhouse.ts';
import {
  type ExplainedLink,
  type FieldCount,
  fieldCountKey,
  type InferInput,
  type InferredEdge,
  inferLinks,
  modesByPair,
  type PairStats,
  pairKey,
} from './link-infer.ts';
import {
  betweenSql,
  examplesSql,
  fieldStatsSql,
  LINK_VALUES,
  type LinkWindow,
  linkValuesSql,
  pairStatsSql,
  typeCountsSql,
} from './link-sql.ts';
import { LINK_TABLES } from './link-tables.ts';

export interface LinkRunOptions extends LinkWindow {
  /** Shared values count only when they first appear in both within this (µs). */
  alignUs?: number;
  /** The run's wall clock (µs), stored as computed_us (default: now). */
  clock?: () => number;
}

export interface LinkRunResult {
  edges: InferredEdge[];
  explained: ExplainedLink[];
  ms: number;
}

export const DEFAULT_ALIGN_US = 300_000_000;
const EXAMPLES = 3;

/** Stable id of the relation between two subsystems (its URL and decision key). */
export function linkId(from: string, to: string): string {
  return createHash('sha256').update(`${from}\0${to}`).digest('hex').slice(0, 12);
}

/** Creates the link tables on DuckDB; on ClickHouse the schema migrations made them (derivedSchema.ts). */
export async function ensureLinkTables(warehouse: Warehouse): Promise<void> {
  if (warehouse.dialect === 'clickhouse') return;
  await warehouse.execute(LINK_TABLES);
}

/** The pairwise statistics of the window, from DuckDB's set-based SQL (link-sql.ts). */
async function duckdbLinkInput(warehouse: Warehouse, w: LinkWindow, alignUs: number): Promise<InferInput> {
  const d = warehouse.sqlDialect;
  await warehouse.execute([linkValuesSql(d, w)]);
  const str = (v: unknown) => (v === null || v === undefined ? '' : String(v));
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  const tya = modesByPair(await warehouse.query(typeCountsSql('tya')), 'tya');
  const tyb = modesByPair(await warehouse.query(typeCountsSql('tyb')), 'tyb');
  const pairs: PairStats[] = (await warehouse.query(pairStatsSql(d, alignUs))).map((r) => ({
    sa: str(r.sa),
    fa: str(r.fa),
    sb: str(r.sb),
    fb: str(r.fb),
    shared: Number(r.shared),
    aligned: Number(r.aligned),
    aFirst: Number(r.a_first),
    bFirst: Number(r.b_first),
    p05: num(r.p05),
    p50: num(r.p50),
    p95: num(r.p95),
    tya: tya.get(pairKey({ sa: str(r.sa), fa: str(r.fa), sb: str(r.sb), fb: str(r.fb) })) ?? '',
    tyb: tyb.get(pairKey({ sa: str(r.sa), fa: str(r.fa), sb: str(r.sb), fb: str(r.fb) })) ?? '',
  }));
  const fields = new Map<string, FieldCount>();
  for (const r of await warehouse.query(fieldStatsSql)) {
    fields.set(fieldCountKey(str(r.subsystem), str(r.field)), {
      distinct: Number(r.distinct_values),
      occurrences: Number(r.occurrences),
    });
  }
  const between = new Map<string, number>();
  for (const r of await warehouse.query(betweenSql(alignUs))) {
    const p = { sa: str(r.sa), fa: str(r.fa), sb: str(r.sb), fb: str(r.fb) };
    between.set(`${pairKey(p)}|${str(r.y)}`, Number(r.n));
  }
  const examples = new Map<string, { value: string; ta: number; tb: number }[]>();
  for (const r of await warehouse.query(examplesSql(d, alignUs, EXAMPLES))) {
    const k = pairKey({ sa: str(r.sa), fa: str(r.fa), sb: str(r.sb), fb: str(r.fb) });
    examples.set(k, [
      ...(examples.get(k) ?? []),
      { value: str(r.value), ta: Number(r.ta), tb: Number(r.tb) },
    ]);
  }
  return { pairs, fields, between, examples };
}

/** Replaces every candidate with `rows` (link_candidates' columns, in order). */
async function replaceCandidates(warehouse: Warehouse, rows: SqlValue[][]): Promise<void> {
  if (warehouse.dialect === 'clickhouse') {
    // A log behind a view: the new rows, then tombstones for the ids they do not cover.
    const t = LINK_DERIVED.find((x) => x.name === 'link_candidates')!;
    const fresh = workTable('link_fresh');
    const cols = sql.join(t.columns.map(([n, type]) => sql`${sql.id(n)} ${type}`));
    try {
      await warehouse.execute([
        sql`create table ${fresh} (${cols}) engine = Memory`,
        // A float inside an expression is read exactly (18.16's fast VALUES parser may be an ulp off).
        ...(rows.length
          ? [
              sql`insert into ${fresh} values ${sql.join(rows.map((r) => sql`(${sql.join(r.map(exactNode))})`))}`,
            ]
          : []),
        ...replaceDerivedRows(t, sql`${fresh}`, sql`1`, nextVersion()),
      ]);
    } finally {
      await warehouse.execute([sql`drop table if exists ${fresh}`]);
    }
    return;
  }
  await warehouse.execute([
    sql`delete from link_candidates`,
    ...(rows.length
      ? [sql`insert into link_candidates values ${sql.join(rows.map((r) => sql`(${sql.list(r)})`))}`]
      : []),
    sql`drop table if exists ${LINK_VALUES}`,
  ]);
}

const exactNode = (v: SqlValue): Sql =>
  typeof v === 'number' && !Number.isInteger(v) ? sql`toFloat64(${v})` : sql`${v}`;

export async function processLinks(warehouse: Warehouse, opts: LinkRunOptions): Promise<LinkRunResult> {
  const started = performance.now();
  const alignUs = opts.alignUs ?? DEFAULT_ALIGN_US;
  const input =
    warehouse.dialect === 'clickhouse'
      ? await clickhouseLinkInput(warehouse, opts, alignUs, EXAMPLES)
      : await duckdbLinkInput(warehouse, opts, alignUs);
  const { edges, explained } = inferLinks(input);
  const computed = (opts.clock ?? nowUs)();
  const rows: SqlValue[][] = [
    ...edges.map((e) => [
      linkId(e.from, e.to),
      e.from,
      e.to,
      'edge',
      e.confidence,
      JSON.stringify({ keys: e.keys }),
      opts.fromUs,
      opts.toUs,
      computed,
    ]),
    ...explained.map((x) => [
      linkId(x.a, x.b),
      x.a,
      x.b,
      'explained',
      x.keys[0]?.confidence ?? 0,
      JSON.stringify({ keys: x.keys, reason: x.reason }),
      opts.fromUs,
      opts.toUs,
      computed,
    ]),
  ];
  await replaceCandidates(warehouse, rows);
  return { edges, explained, ms: performance.now() - started };
}
