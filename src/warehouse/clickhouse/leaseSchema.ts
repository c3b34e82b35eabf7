// The processor lease's table on ClickHouse (src/process/lease.ts): one row per lease name, the
// newest claim winning, as a log behind a view like the derived tables.
import { sql } from '../sql.ts';
import type { DerivedTable } from './derivedTables.ts';

export const LEASE_DERIVED: readonly DerivedTable[] = [
  {
    name: 'processor_lease',
    columns: [
      ['name', sql`String`],
      ['holder', sql`String`],
      ['expires_us', sql`Int64`],
    ],
    key: ['name'],
  },
];
