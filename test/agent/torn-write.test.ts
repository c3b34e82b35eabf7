// Torn writes in the agent's disk buffer: a record cut mid-frame (a crash during the append) or
// with flipped bytes is found by its length/CRC at open, cut off and logged; the buffer resumes
// from the last whole record (its sequence number and source positions), and through a real
// agent and server every line still arrives exactly once.
import { readdirSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { startAgent } from '../../src/agent/agent.ts';
import { DiskBuffer } from '../../src/agent/disk-buffer.ts';
import { agentSettings } from '../../src/agent/settings.ts';
import { loadConfig } from '../../src/config/load.ts';
import { waitUntilIdle } from '../../src/pipeline/idle.ts';
import { makeEvent } from '../../src/warehouse/testRows.ts';
import {
  agentConfig,
  LineWriter,
  removeTempDirs,
  storedOffsets,
  tempDir,
  testServer,
} from './agent-harness.ts';

afterAll(removeTempDirs);

const position = (offset: number) => ({ pipeline: 'app', fileId: 'f1', path: '/var/log/app.log', offset });

it('cuts a torn tail and resumes from the last whole record', async () => {
  const dir = tempDir();
  const opts = { maxBytes: 1 << 20, segmentBytes: 64 << 10, whenFull: 'block' as const };
  const b = await DiskBuffer.open(dir, opts);
  for (let i = 1; i <= 3; i++)
    await b.append({ events: [makeEvent(i)], deadLetters: [], positions: [position(i * 100)] });
  await b.close();
  const [segment] = readdirSync(dir).filter((f) => f.startsWith('segment-'));
  const path = join(dir, segment!);
  const size = statSync(path).size;
  truncateSync(path, size - 10);

  const logs: string[] = [];
  const reopened = await DiskBuffer.open(dir, { ...opts, log: (l) => logs.push(l) });
  expect(reopened.lastSeq).toBe(2);
  expect(reopened.sourcePositions('app')).toEqual([position(200)]);
  expect(reopened.stats()).toMatchObject({ unshippedRecords: 2 });
  expect(reopened.truncatedBytes).toBeGreaterThan(0);
  expect(logs.join('\n')).toMatch(/torn or corrupt record at byte \d+: cut \d+ bytes/);
  // The next append continues the sequence right after the cut.
  await reopened.append({ events: [makeEvent(9)], deadLetters: [], positions: [position(300)] });
  expect(reopened.lastSeq).toBe(3);
  const read = await reopened.read(1 << 20);
  expect(read?.records.map((r) => r.seq)).toEqual([1, 2, 3]);
  await reopened.close();
  expect(statSync(path).size).toBeLessThan(size + 1000);
});

it('a corrupt byte inside the last record is caught by its CRC', async () => {
  const dir = tempDir();
  const opts = { maxBytes: 1 << 20, segmentBytes: 64 << 10, whenFull: 'block' as const };
  const b = await DiskBuffer.open(dir, opts);
  await b.append({ events: [makeEvent(1)], deadLetters: [], positions: [position(100)] });
  await b.append({ events: [makeEvent(2)], deadLetters: [], positions: [position(200)] });
  await b.close();
  const path = join(dir, readdirSync(dir).find((f) => f.startsWith('segment-'))!);
  const { readFileSync } = await import('node:fs');
  const data = readFileSync(path);
  data[data.length - 5] = data[data.length - 5]! ^ 0xff;
  writeFileSync(path, data);
  const reopened = await DiskBuffer.open(dir, opts);
  expect(reopened.lastSeq).toBe(1);
  expect(reopened.sourcePositions()).toEqual([position(100)]);
  await reopened.close();
});

it('an agent whose buffer was torn re-reads the lost lines and ships each line once', async () => {
  const dir = tempDir();
  const server = await testServer(dir);
  await server.down();
  const file = agentConfig(dir, { servers: [server.url] });
  writeFileSync(join(dir, 'agent', 'agent.token'), server.token);
  const writer = new LineWriter(join(dir, 'agent', 'app.log'));
  const config = loadConfig(file);
  const first = await startAgent(config, agentSettings(config), () => {});
  for (let i = 0; i < 4; i++) {
    writer.write(300);
    await waitUntilIdle(first.ingest, { pollMs: 50, quietPolls: 2 });
  }
  await first.stop();
  const bufferDir = join(dir, 'agent', 'agent-buffer');
  const last = readdirSync(bufferDir)
    .filter((f) => f.startsWith('segment-'))
    .sort()
    .pop()!;
  const size = statSync(join(bufferDir, last)).size;
  truncateSync(join(bufferDir, last), size - 1000);

  await server.up();
  const logs: string[] = [];
  const second = await startAgent(config, agentSettings(config), (l) => logs.push(l));
  expect(logs.join('\n')).toMatch(/torn or corrupt record/);
  writer.write(100);
  await waitUntilIdle(second.ingest);
  await second.drained();
  await second.stop();
  const stored = await storedOffsets(server.warehouse());
  expect(stored.rows).toBe(writer.count);
  expect(stored.offsets).toEqual(writer.offsets);
  await server.down();
}, 60_000);
