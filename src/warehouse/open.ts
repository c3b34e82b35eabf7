// The factory: configuration in, a migrated Warehouse out. The only place that picks an engine.
import { UserError } from '../events/errors.ts';
import { openDuckDBEngine } from './duckdb/duckdbEngine.ts';
import type { Engine } from './engine.ts';
import { createSqlWarehouse } from './sqlWarehouse.ts';
import type { Warehouse } from './warehouse.ts';

export interface DuckDBWarehouseOptions {
  type: 'duckdb';
  /** Database file (its directory is created), or `:memory:` for a throwaway store. */
  path: string;
}

export type WarehouseOptions = DuckDBWarehouseOptions;

/** Opens the store and brings its schema up to date before returning. */
export async function openWarehouse(options: WarehouseOptions): Promise<Warehouse> {
  let engine: Engine;
  switch (options.type) {
    case 'duckdb':
      engine = await openDuckDBEngine(options.path);
      break;
    default:
      throw new UserError(
        'config_invalid',
        `unknown warehouse type ${JSON.stringify((options as { type: unknown }).type)}: use duckdb`,
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
