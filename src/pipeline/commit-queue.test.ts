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

it('holds producers back by estimated bytes while a commit is in flight, then lets them on', async () => {
  const warehouse = await openWarehouse({
    type: 'duckdb',
    path: join(mkdtempSync(join(tmpdir(), 'mortar-cq-')), 'm.duckdb'),
  });
  let release!: () => void;
  let gate = new Promise<void>((r) => {
    release = r;
  });
  const commits: number[] = [];
  const queue = new CommitQueue(warehouse, {
    // Rows alone would never fill the queue here: only their size does.
    batchRows: 100_000,
    batchIntervalMs: 60_000,
    maxPendingBytes: 64 * 1024,
    beforeCommit: () => gate,
    onCommit: (b) => commits.push(b.events.length),
  });
  const long = (n: number) => ({ ...makeEvent(n), raw: 'x'.repeat(10_000) });
  const rows = (from: number) => Array.from({ length: 10 }, (_, i) => long(from + i));
  // Over the byte bound: committed at once (held up by the gate), the producer goes on.
  await queue.add(rows(0), [], []);
  let second = false;
  const adding = queue.add(rows(10), [], []).then(() => {
    second = true;
  });
  await new Promise((r) => setTimeout(r, 100));
  expect(second).toBe(false);
  expect(commits).toEqual([]);
  const opened = release;
  gate = Promise.resolve();
  opened();
  await adding;
  await queue.close();
  expect(commits).toEqual([10, 10]);
  expect((await warehouse.counts()).events).toBe(20);
  await warehouse.close();
});

it('is settled only when nothing is pending and no commit is running', async () => {
  const warehouse = await openWarehouse({
    type: 'duckdb',
    path: join(mkdtempSync(join(tmpdir(), 'mortar-cq-')), 'm.duckdb'),
  });
  let release!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const queue = new CommitQueue(warehouse, {
    batchRows: 1,
    batchIntervalMs: 60_000,
    beforeCommit: () => gate,
  });
  expect(queue.settled).toBe(true);
  // batchRows 1: this add starts a commit at once, which the gate holds.
  await queue.add([makeEvent(1)], [], []);
  expect(queue.pendingRows).toBe(0);
  // The rows left the pending list but are not stored yet: not settled.
  expect(queue.settled).toBe(false);
  expect((await warehouse.counts()).events).toBe(0);
  release();
  await queue.flush();
  expect(queue.settled).toBe(true);
  expect((await warehouse.counts()).events).toBe(1);
  await queue.close();
  await warehouse.close();
});
