import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyMigrations, type Migration, type MigrationTarget } from '../migrate.ts';
import { openWarehouse } from '../open.ts';
import { sql } from '../sql.ts';
import { control, execute } from './execute.ts';
import { DUCKDB_LEDGER, DUCKDB_MIGRATIONS } from './migrations.ts';

function target(c: DuckDBConnection): MigrationTarget {
  return {
    ledger: DUCKDB_LEDGER,
    exec: (q) => execute(c, q),
    async transaction(fn) {
      await control(c, 'BEGIN TRANSACTION');
      try {
        const r = await fn();
        await control(c, 'COMMIT');
        return r;
      } catch (e) {
        await control(c, 'ROLLBACK');
        throw e;
      }
    },
  };
}

const tables = async (c: DuckDBConnection) =>
  (await execute(c, sql`select table_name from information_schema.tables order by table_name`)).map(
    (r) => r.table_name,
  );

describe('duckdb migrations', () => {
  let dir: string;
  let instance: DuckDBInstance;
  let c: DuckDBConnection;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mortar-mig-'));
    instance = await DuckDBInstance.create(join(dir, 'm.duckdb'));
    c = await instance.connect();
  });
  afterEach(async () => {
    c.closeSync();
    instance.closeSync();
    await rm(dir, { recursive: true, force: true });
  });

  it('creates the schema once and records each version', async () => {
    expect(await applyMigrations(target(c), DUCKDB_MIGRATIONS)).toEqual(
      DUCKDB_MIGRATIONS.map((m) => m.version),
    );
    expect(await applyMigrations(target(c), DUCKDB_MIGRATIONS)).toEqual([]);
    expect(await tables(c)).toEqual(['dead_letters', 'events', 'schema_migrations', 'source_positions']);
    const ledger = await execute(c, sql`select version, name from schema_migrations order by version`);
    expect(ledger).toEqual(DUCKDB_MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
  });

  it('rolls a failing step back entirely, then applies it once fixed', async () => {
    const next = DUCKDB_MIGRATIONS.at(-1)!.version + 1;
    const broken: Migration[] = [
      ...DUCKDB_MIGRATIONS,
      {
        version: next,
        name: 'broken',
        statements: [sql`create table extra (a INTEGER)`, sql`select * from nowhere`],
      },
    ];
    await expect(applyMigrations(target(c), broken)).rejects.toThrow(/nowhere/);
    expect(await tables(c)).not.toContain('extra');
    const fixed: Migration[] = [
      ...DUCKDB_MIGRATIONS,
      { ...broken.at(-1)!, statements: [sql`create table extra (a INTEGER)`] },
    ];
    expect(await applyMigrations(target(c), fixed)).toEqual([next]);
    expect(await tables(c)).toContain('extra');
  });

  it('refuses a database written by a newer schema', async () => {
    await applyMigrations(target(c), DUCKDB_MIGRATIONS);
    await execute(c, sql`insert into schema_migrations values (${99}, ${'future'}, ${sql.ts(0)})`);
    await expect(applyMigrations(target(c), DUCKDB_MIGRATIONS)).rejects.toThrow(/version 99.*upgrade Mortar/);
  });

  it('refuses migrations out of order', async () => {
    const bad = [DUCKDB_MIGRATIONS[0]!, { ...DUCKDB_MIGRATIONS[0]!, name: 'again' }];
    await expect(applyMigrations(target(c), bad)).rejects.toThrow(/increasing/);
  });

  it('is what openWarehouse runs, on a fresh directory', async () => {
    const w = await openWarehouse({ type: 'duckdb', path: join(dir, 'deeper', 'still', 'w.duckdb') });
    await w.migrate();
    expect(await w.counts()).toEqual({ events: 0, deadLetters: 0, bySubsystem: {} });
    await w.close();
  });
});
