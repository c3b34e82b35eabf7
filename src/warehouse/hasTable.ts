// Whether a (derived) table exists yet: processors create theirs on first run, so readers ask
// before querying and answer "nothing yet" instead of failing.
import type { Warehouse } from './warehouse.ts';

export async function hasTable(warehouse: Warehouse, name: string): Promise<boolean> {
  const [row] = await warehouse.query(warehouse.sqlDialect.tableCount(name));
  return Number(row?.n ?? 0) > 0;
}
