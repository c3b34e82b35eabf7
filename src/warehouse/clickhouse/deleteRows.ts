// Deleting rows on ClickHouse: 18.16 has no DELETE statement, only the asynchronous mutation
// `ALTER TABLE ... DELETE WHERE` on the MergeTree table itself (not through a Distributed table),
// and no `mutations_sync` setting. So the mutation is started on the server holding the table
// and then awaited by polling system.mutations, which keeps "delete, then insert" in order.
import { type Sql, sql } from '../sql.ts';
import type { ClickHouseNode } from './node.ts';

const POLL_MS = 20;
const TIMEOUT_MS = 120_000;

export async function deleteWhere(
  node: ClickHouseNode,
  database: string,
  table: string,
  condition: Sql,
): Promise<void> {
  await node.command(sql`alter table ${sql.id(table)} delete where ${condition}`);
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    const [row] = await node.query(
      sql`select count() as n from system.mutations where database = ${database} and table = ${table} and is_done = 0`,
    );
    if (Number(row?.n ?? 0) === 0) return;
    if (Date.now() > deadline)
      throw new Error(`clickhouse: deleting from ${table} did not finish in ${TIMEOUT_MS} ms`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
