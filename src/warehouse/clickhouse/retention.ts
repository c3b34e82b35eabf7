// Retention for ClickHouse events: 18.16 has no table TTL (it arrived in 19.6), so old data goes
// by dropping whole UTC-day partitions (events are partitioned by toYYYYMMDD of ts) older than
// `days`, on the server holding the MergeTree table (every shard of a cluster). Dropping a
// partition is a metadata operation, far cheaper than deleting rows, and works on current
// releases too.
import { sql } from '../sql.ts';
import type { ClickHouseNode } from './node.ts';

/** The partition id (YYYYMMDD as a number) of the first day that is kept. */
export function firstKeptDay(nowUs: number, days: number): number {
  const d = new Date(Math.floor(nowUs / 1000) - days * 86_400_000);
  return d.getUTCFullYear() * 10_000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
}

/** Drops the event partitions before `firstKeptDay` in `table`; returns the dropped ids. */
export async function dropOldPartitions(
  node: ClickHouseNode,
  database: string,
  table: string,
  keepFrom: number,
): Promise<number[]> {
  const rows = await node.query(
    sql`select distinct partition from system.parts
      where database = ${database} and table = ${table} and active`,
  );
  const old = rows.map((r) => Number(r.partition)).filter((p) => Number.isInteger(p) && p < keepFrom);
  for (const p of old) await node.command(sql`alter table ${sql.id(table)} drop partition ${p}`);
  return old;
}
