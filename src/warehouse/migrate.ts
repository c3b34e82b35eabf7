// Versioned schema migrations, engine-neutral: each engine lists its own DDL as numbered steps;
// this runner applies the missing ones in order, each in its own transaction together with its
// row in `schema_migrations`, so a crash mid-upgrade leaves the schema at a known version.
import { nowUs } from '../events/time.ts';
import type { Row } from './engine.ts';
import { type Sql, sql } from './sql.ts';

export interface Migration {
  readonly version: number;
  readonly name: string;
  /** Idempotent DDL (`if not exists`), so a half-recorded step can be re-run safely. */
  readonly statements: readonly Sql[];
}

export interface MigrationTarget {
  exec(q: Sql): Promise<Row[]>;
  /** Runs `fn` atomically where the engine can (DuckDB); engines without DDL transactions just run it. */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  /** Creates the ledger table `schema_migrations (version, name, applied_at)` if it is missing. */
  readonly ledger: Sql;
}

const LEDGER = sql.id('schema_migrations');

function checkOrder(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (!Number.isInteger(m.version) || m.version < 1 || (i > 0 && m.version <= migrations[i - 1]!.version)) {
      throw new Error(`migrations must have increasing positive integer versions (at ${m.name})`);
    }
  });
}

/** Applies what is missing; returns the versions applied now (empty when already current). */
export async function applyMigrations(
  t: MigrationTarget,
  migrations: readonly Migration[],
): Promise<number[]> {
  checkOrder(migrations);
  await t.exec(t.ledger);
  const rows = await t.exec(sql`select ${sql.id('version')} as v from ${LEDGER}`);
  const applied = new Set(rows.map((r) => Number(r.v)));
  const known = migrations.at(-1)?.version ?? 0;
  const newer = [...applied].filter((v) => v > known);
  if (newer.length > 0) {
    throw new Error(
      `the warehouse schema is at version ${Math.max(...newer)}, newer than this Mortar knows (${known}): upgrade Mortar`,
    );
  }
  const done: number[] = [];
  for (const m of migrations) {
    if (applied.has(m.version)) continue;
    await t.transaction(async () => {
      for (const s of m.statements) await t.exec(s);
      await t.exec(
        sql`insert into ${LEDGER} (${sql.id('version')}, ${sql.id('name')}, ${sql.id('applied_at')})
          values (${m.version}, ${m.name}, ${sql.ts(nowUs())})`,
      );
    });
    done.push(m.version);
  }
  return done;
}
