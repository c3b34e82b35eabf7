// A full disk buffer while the server is down: with `drop_oldest` the oldest unshipped segments go
// and the counter says exactly how many events went (the warehouse holds exactly the others, the
// newest lines); with `block` the pipelines stop reading until the server is back, the buffer
// stays within its bound, and nothing is lost.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { startAgent } from '../../src/agent/agent.ts';
import { agentSettings } from '../../src/agent/settings.ts';
import { loadConfig } from '../../src/config/load.ts';
import { waitUntilIdle } from '../../src/pipeline/idle.ts';
import {
  agentConfig,
  LineWriter,
  removeTempDirs,
  storedOffsets,
  tempDir,
  testServer,
  waitFor,
} from './agent-harness.ts';

afterAll(removeTempDirs);

async function setup(whenFull: 'block' | 'drop_oldest', MAX: number, SEGMENT: number) {
  const dir = tempDir();
  const server = await testServer(dir);
  await server.down();
  const file = agentConfig(dir, {
    servers: [server.url],
    buffer: { max_bytes: MAX, segment_bytes: SEGMENT, when_full: whenFull },
    extra: { batch_bytes: 32 * 1024 },
  });
  writeFileSync(join(dir, 'agent', 'agent.token'), server.token);
  const writer = new LineWriter(join(dir, 'agent', 'app.log'));
  const config = loadConfig(file);
  const agent = await startAgent(config, agentSettings(config), () => {});
  return { server, writer, agent };
}

it('drop_oldest drops the oldest segments and counts exactly what they held', async () => {
  const { server, writer, agent } = await setup('drop_oldest', 256 * 1024, 64 * 1024);
  for (let i = 0; i < 10; i++) {
    writer.write(300);
    await waitUntilIdle(agent.ingest, { pollMs: 50, quietPolls: 2 });
  }
  const full = agent.status();
  expect(full.buffer.dropped.events).toBeGreaterThan(0);
  expect(full.buffer.unshippedBytes).toBeLessThanOrEqual(256 * 1024);
  await server.up();
  await agent.drained();
  await agent.stop();
  const dropped = agent.status().buffer.dropped.events;
  const stored = await storedOffsets(server.warehouse());
  expect(stored.rows + dropped).toBe(writer.count);
  expect(stored.ids).toBe(stored.rows);
  // What went is the oldest lines; what is stored is every newer line, once.
  expect(stored.offsets).toEqual(writer.offsets.slice(dropped));
  await server.down();
}, 60_000);

it('block pauses the pipelines at the bound and loses nothing', async () => {
  // The bound holds for commits smaller than it (a commit enters the buffer whole): lines are
  // written in rounds of 1000 (about 0.5 MB of rows), so no commit comes near 2 MiB.
  const MAX = 2 * 1024 * 1024;
  const { server, writer, agent } = await setup('block', MAX, 512 * 1024);
  let maxSeen = 0;
  for (let i = 0; i < 20; i++) {
    writer.write(1000);
    await new Promise((r) => setTimeout(r, 100));
    maxSeen = Math.max(maxSeen, agent.status().buffer.unshippedBytes);
  }
  await waitFor('the buffer to fill and reading to pause', async () => {
    const s = agent.status();
    maxSeen = Math.max(maxSeen, s.buffer.unshippedBytes);
    const before = s.pipelines.app!.read;
    await new Promise((r) => setTimeout(r, 300));
    return s.shipping.retries > 2 && agent.status().pipelines.app!.read === before && before < writer.count;
  });
  const paused = agent.status();
  expect(paused.pipelines.app!.read).toBeLessThan(writer.count);
  expect(maxSeen).toBeLessThanOrEqual(MAX);
  expect(paused.buffer.unshippedBytes).toBeLessThanOrEqual(MAX);
  await server.up();
  // Idle alone can be seen while the reader is still unblocking under load: wait for every line read.
  await waitFor('every line to be read', async () => agent.status().pipelines.app!.read === writer.count);
  await waitUntilIdle(agent.ingest);
  await agent.drained();
  await agent.stop();
  const stored = await storedOffsets(server.warehouse());
  expect(stored.offsets).toEqual(writer.offsets);
  expect(agent.status().buffer.dropped.events).toBe(0);
  await server.down();
}, 60_000);
