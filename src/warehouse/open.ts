// The factory: configuration in, a migrated Warehouse out. The only place that picks an engine.
import { join } from 'node:path';
import type { Config } from '../config/load.ts';
import { UserError } from '../events/errors.ts';
import { type ClickHouseWarehouseOptions, openClickHouseEngine } from './clickhouse/clickhouseEngine.ts';
import type { DuckDBTuning } from './duckdb/database.ts';
import { openDuckDBEngine } from './duckdb/duckdbEngine.ts';
import type { Engine } from './engine.ts';
import { createSqlWarehouse } from './sqlWarehouse.ts';
import type { Warehouse } from './warehouse.ts';

export interface DuckDBWarehouseOptions {
  type: 'duckdb';
  /** Database file (its directory is created), or `:memory:` for a throwaway store. */
  path: string;
  /** Pool size and checkpoint threshold, e.g. CAPTURE (database.ts: defaults 256 MB and 32 MB). */
  tuning?: DuckDBTuning;
}

export type { ClickHouseWarehouseOptions };

export type WarehouseOptions = DuckDBWarehouseOptions | ClickHouseWarehouseOptions;

/** The options for a loaded configuration: the DuckDB file under data_dir, or the ClickHouse servers. */
export function warehouseOptionsFor(config: Pick<Config, 'dataDir' | 'warehouse'>): WarehouseOptions {
  const w = config.warehouse;
  if (w.type === 'duckdb') return { type: 'duckdb', path: join(config.dataDir, w.path) };
  const password = w.passwordEnv === undefined ? undefined : process.env[w.passwordEnv];
  if (w.passwordEnv !== undefined && password === undefined) {
    throw new UserError('config_invalid', `warehouse.password_env names ${w.passwordEnv}, which is not set`, [
      {
        where: 'warehouse.password_env',
        message: 'environment variable missing',
        hint: `export ${w.passwordEnv}=...`,
      },
    ]);
  }
  return {
    type: 'clickhouse',
    url: w.url,
    database: w.database,
    ...(w.username !== undefined ? { username: w.username } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(w.cluster !== undefined ? { cluster: w.cluster, shards: w.shards ?? [] } : {}),
    ...(w.retentionDays !== undefined ? { retentionDays: w.retentionDays } : {}),
  };
}

/** Opens the store and brings its schema up to date before returning. */
export async function openWarehouse(options: WarehouseOptions): Promise<Warehouse> {
  let engine: Engine;
  switch (options.type) {
    case 'duckdb':
      engine = await openDuckDBEngine(options.path, options.tuning);
      break;
    case 'clickhouse':
      engine = await openClickHouseEngine(options);
      break;
    default:
      throw new UserError(
        'config_invalid',
        `unknown warehouse type ${JSON.stringify((options as { type: unknown }).type)}: use duckdb or clickhouse`,
      );
  }
  const warehouse = createSqlWarehouse(engine);
  try {
    await warehouse.migrate();
  } catch (error) {
    await warehouse.close();
    throw error;
  }
  return warehouse;
}
