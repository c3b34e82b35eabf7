// Ids that were not in the previous answer to the same request, so new rows can light up briefly.
import { useState } from 'react';

/** The ids in `rows` new since the last rows with the same `key` (none after the key changes). */
export function useFreshIds(rows: readonly { id: string }[], key: string): Set<string> {
  const [seen, setSeen] = useState({ rows, key, fresh: new Set<string>() });
  if (seen.rows !== rows) {
    const before = new Set(seen.rows.map((r) => r.id));
    const fresh =
      seen.key === key && seen.rows.length > 0
        ? new Set(rows.filter((r) => !before.has(r.id)).map((r) => r.id))
        : new Set<string>();
    setSeen({ rows, key, fresh });
    return fresh;
  }
  return seen.fresh;
}
