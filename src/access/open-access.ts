// Picks the access store for a configuration: the one shared warehouse when it is ClickHouse (so
// every server and `mortar user` see the same users, sessions, tokens and audit log), else the
// SQLite file under data_dir beside the embedded DuckDB.
import type { Config } from '../config/load.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';
import { type AccessBackend, sqliteBackend } from './access-backend.ts';
import { ClickHouseAccessStore } from './clickhouse-access.ts';
import { accessStorePath } from './settings.ts';
import { AccessStore } from './store.ts';

/** With a ClickHouse warehouse `warehouse` must be open on it (closing the backend leaves it open). */
export function openAccessBackend(config: Config, warehouse?: Warehouse): AccessBackend {
  if (config.warehouse.type === 'clickhouse') {
    if (warehouse?.dialect !== 'clickhouse')
      throw new Error('the ClickHouse access store needs the open ClickHouse warehouse');
    return new ClickHouseAccessStore(warehouse);
  }
  return sqliteBackend(AccessStore.open(accessStorePath(config)));
}
