// One link-inference run over a window of event time: rebuilds link_values set-based on the
// warehouse, reads the pairwise statistics, infers candidate edges (link-infer.ts) and replaces
// link_candidates in one transaction. Runs are idempotent: the same window gives the same rows.
import { createHash } from 'node:crypto';
import { nowUs } from '../../events/time.ts';
import { type Sql, sql } from '../../warehouse/sql.ts';
import type { Warehouse } from '../../warehouse/warehouse.ts';
import {
  type ExplainedLink,
  type FieldCount,
  fieldCountKey,
  type InferredEdge,
  inferLinks,
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
} from './link-sql.ts';
import { LINK_TABLES } from './link-tables.ts';

export interface LinkRunOptions extends LinkWindow {
  /** Shared values count only when they first appear in both within this (µs). */
  alignUs?: number;
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

export async function ensureLinkTables(warehouse: Warehouse): Promise<void> {
  await warehouse.execute(LINK_TABLES);
}

export async function processLinks(warehouse: Warehouse, opts: LinkRunOptions): Promise<LinkRunResult> {
  const started = performance.now();
  const d = warehouse.sqlDialect;
  const alignUs = opts.alignUs ?? DEFAULT_ALIGN_US;
  await warehouse.execute([linkValuesSql(d, opts)]);
  const str = (v: unknown) => (v === null || v === undefined ? '' : String(v));
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
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
    tya: str(r.tya),
    tyb: str(r.tyb),
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
  const { edges, explained } = inferLinks({ pairs, fields, between, examples });
  const computed = nowUs();
  const rows: Sql[] = [
    ...edges.map(
      (e) =>
        sql`(${linkId(e.from, e.to)}, ${e.from}, ${e.to}, 'edge', ${e.confidence}, ${JSON.stringify({ keys: e.keys })}, ${opts.fromUs}, ${opts.toUs}, ${computed})`,
    ),
    ...explained.map(
      (x) =>
        sql`(${linkId(x.a, x.b)}, ${x.a}, ${x.b}, 'explained', ${x.keys[0]?.confidence ?? 0}, ${JSON.stringify({ keys: x.keys, reason: x.reason })}, ${opts.fromUs}, ${opts.toUs}, ${computed})`,
    ),
  ];
  await warehouse.execute([
    sql`delete from link_candidates`,
    ...(rows.length ? [sql`insert into link_candidates values ${sql.join(rows)}`] : []),
    sql`drop table if exists ${LINK_VALUES}`,
  ]);
  return { edges, explained, ms: performance.now() - started };
}
