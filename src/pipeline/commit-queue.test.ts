// Commit acknowledgements on a real DuckDB file: an ack is called only once the commit that holds
// its rows is done (never at `add`), also for a batch without rows, and close() settles them all.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { openWarehouse } from '../warehouse/open.ts';
import { makeEvent } from '../warehouse/testRows.ts';
import { CommitQueue } from './commit-queue.ts';

it('acknowledges rows only after the commit that stores them', async () => {
  const warehouse = await openWarehouse({
    type: 'duckdb',
    path: join(mkdtempSync(join(tmpdir(), 'mortar-cq-')), 'm.duckdb'),
  });
  const seen: string[] = [];
  const queue = new CommitQueue(warehouse, {
    batchRows: 1000,
    batchIntervalMs: 50,
    onCommit: (b) => seen.push(`commit ${b.events.length}`),
  });
  const stored = async () => (await warehouse.counts()).events;
  let storedAtAck = -1;
  await queue.add([makeEvent(1), makeEvent(2)], [], [], () => {
    seen.push('ack a');
    void stored().then((n) => {
      storedAtAck = n;
    });
  });
  await queue.add([], [], [], () => seen.push('ack b (no rows)'));
  expect(seen).toEqual([]);
  await queue.flush();
  expect(seen).toEqual(['commit 2', 'ack a', 'ack b (no rows)']);
  await expect.poll(() => storedAtAck).toBe(2);
  expect(await stored()).toBe(2);

  await queue.add([makeEvent(3)], [], [], () => seen.push('ack c'));
  await queue.close();
  expect(seen.slice(3)).toEqual(['commit 1', 'ack c']);
  expect(await stored()).toBe(3);
  await warehouse.close();
});
