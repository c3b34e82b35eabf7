// The server's agent intake on its own, over loopback HTTP with a real DuckDB file: a batch is
// stored with its stream position in one commit; the same batch again (an agent retrying after a
// lost answer) is acknowledged without a second insert; a wrong token and a malformed batch are
// refused with a message that says what is wrong.
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventId } from '../../src/events/id.ts';
import { makeEvent } from '../../src/warehouse/testRows.ts';
import { removeTempDirs, type TestServer, tempDir, testServer } from './agent-harness.ts';

let server: TestServer;
beforeAll(async () => {
  server = await testServer(tempDir());
}, 60_000);
afterAll(async () => {
  await server?.down();
  removeTempDirs();
});

const post = (body: unknown, token = server.token, gzip = true) =>
  fetch(`${server.url}/api/agent/batches`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    },
    body: gzip ? gzipSync(JSON.stringify(body)) : JSON.stringify(body),
  });

const record = (seq: number, n: number) => ({
  seq,
  events: Array.from({ length: n }, (_, i) => ({
    ...makeEvent(seq * 100 + i),
    id: eventId('app', 'stream-file', seq * 100 + i),
  })),
  deadLetters: [],
});

it('stores a batch and its stream position together; a repeat is acknowledged, not stored again', async () => {
  const batch = { agent: 'edge-1', stream: 's-1', records: [record(1, 3), record(2, 2)] };
  const first = await post(batch);
  expect(first.status).toBe(200);
  expect(await first.json()).toEqual({ acked: 2, stored: 2, duplicates: 0 });
  const again = await post(batch);
  expect(await again.json()).toEqual({ acked: 2, stored: 0, duplicates: 2 });
  // Overlapping retry: record 2 was stored, record 3 is new.
  const overlap = await post({ ...batch, records: [record(2, 2), record(3, 4)] }, server.token, false);
  expect(await overlap.json()).toEqual({ acked: 3, stored: 1, duplicates: 1 });
  const w = server.warehouse();
  expect((await w.counts()).events).toBe(9);
  const [pos] = await w.positions('agent:edge-1');
  expect(pos).toMatchObject({ fileId: 's-1', offset: 3 });
});

it('refuses a wrong token and a malformed batch, saying why', async () => {
  const wrong = await post(
    { agent: 'edge-1', stream: 's-2', records: [record(1, 1)] },
    'mortar_000000000000_x',
  );
  expect(wrong.status).toBe(401);
  expect((await wrong.json()).error.message).toMatch(/token is unknown, expired or revoked/);
  const broken = record(1, 1);
  (broken.events[0] as unknown as Record<string, unknown>).ts = 'yesterday';
  const bad = await post({
    agent: 'edge-1',
    stream: 's-2',
    records: [broken, { seq: 1, events: [], deadLetters: [] }],
  });
  expect(bad.status).toBe(400);
  const body = await bad.json();
  expect(body.error.details.map((d: { where: string }) => d.where)).toEqual([
    'records[0].events[0].ts',
    'records[1].seq',
  ]);
  expect(await server.warehouse().positions('agent:edge-1')).toHaveLength(1);
});
