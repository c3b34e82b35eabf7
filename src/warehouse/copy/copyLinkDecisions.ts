// `mortar migrate`'s copy of link inference's accept/dismiss decisions (user data, unlike the
// candidates, which processing recomputes) from DuckDB's `link_decisions` table into ClickHouse's
// versioned log behind the view of the same name (clickhouse/derivedSchema.ts). A decision whose
// link id the target already has is left alone: a rerun stores nothing twice, and a decision made
// on ClickHouse since the first run is not overwritten by the older one.
import { LINK_DERIVED } from '../clickhouse/derivedSchema.ts';
import { nextVersion } from '../clickhouse/derivedTables.ts';
import { hasTable } from '../hasTable.ts';
import { type SqlValue, sql } from '../sql.ts';
import type { Warehouse } from '../warehouse.ts';
import type { MovedCount } from './copyAccess.ts';

const COLUMNS = LINK_DERIVED.find((t) => t.name === 'link_decisions')!.columns.map(([n]) => n);

export async function copyLinkDecisions(source: Warehouse, target: Warehouse): Promise<MovedCount> {
  if (target.dialect !== 'clickhouse') throw new Error('copyLinkDecisions writes to a ClickHouse warehouse');
  if (!(await hasTable(source, 'link_decisions'))) return { source: 0, copied: 0, kept: 0 };
  const rows = await source.query(
    sql`select ${sql.join(COLUMNS.map((n) => sql.id(n)))} from link_decisions order by id`,
  );
  const present = new Set(
    rows.length === 0
      ? []
      : (
          await target.query(
            sql`select id from link_decisions where id in (${sql.list(rows.map((r) => String(r.id)))})`,
          )
        ).map((r) => String(r.id)),
  );
  const missing = rows.filter((r) => !present.has(String(r.id)));
  if (missing.length > 0) {
    const version = nextVersion();
    await target.execute([
      sql`insert into link_decisions_log (${sql.join([...COLUMNS.map((n) => sql.id(n)), sql.id('_version'), sql.id('_deleted')])})
        values ${sql.join(
          missing.map((r) => sql`(${sql.list([...COLUMNS.map((n) => value(r[n])), version, 0])})`),
        )}`,
    ]);
  }
  return { source: rows.length, copied: missing.length, kept: rows.length - missing.length };
}

/** DuckDB hands bigints for BIGINT columns; the decided time fits a double. */
const value = (v: unknown): SqlValue => (typeof v === 'bigint' ? Number(v) : (v as SqlValue));
