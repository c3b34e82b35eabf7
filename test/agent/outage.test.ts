// Agent -> server over loopback HTTP with a real DuckDB file: the server goes down while lines are
// being written (port closed, warehouse closed), the agent buffers on disk and retries, the server
// comes back, and every line is in the warehouse exactly once. Also: a round-robin agent over two
// addresses of which one never answers still ships everything.
import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { type AgentStatus, startAgent } from '../../src/agent/agent.ts';
import { agentSettings } from '../../src/agent/settings.ts';
import { serveStatus } from '../../src/agent/status-server.ts';
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

it('ships every line exactly once across a server outage', async () => {
  const dir = tempDir();
  const server = await testServer(dir);
  const file = agentConfig(dir, { servers: [server.url] });
  writeFileSync(join(dir, 'agent', 'agent.token'), server.token);
  const writer = new LineWriter(join(dir, 'agent', 'app.log'));
  const config = loadConfig(file);
  const logs: string[] = [];
  const agent = await startAgent(config, agentSettings(config), (l) => logs.push(l));
  writer.write(2000);
  await waitFor('first rows on the server', async () => (await storedOffsets(server.warehouse())).rows > 0);

  await server.down();
  writer.write(3000);
  await waitFor('the agent to buffer while the server is down', () => {
    const s = agent.status();
    return s.shipping.retries > 0 && s.buffer.unshippedRecords > 0;
  });
  writer.write(2000);
  await waitUntilIdle(agent.ingest);
  // The status endpoint shows the outage: rows waiting in the buffer, retries, the last error, lag.
  const statusServer = await serveStatus(agent.status, { host: '127.0.0.1', port: 0 });
  const port = (statusServer.address() as AddressInfo).port;
  const seen = (await (await fetch(`http://127.0.0.1:${port}/status`)).json()) as AgentStatus;
  statusServer.close();
  expect(seen.buffer.unshippedRecords).toBeGreaterThan(0);
  expect(seen.buffer.unshippedBytes).toBeGreaterThan(0);
  expect(seen.shipping.retries).toBeGreaterThan(0);
  expect(seen.shipping.lastError).toMatch(/ECONNREFUSED/);
  expect(seen.lagSeconds).toBeGreaterThan(0);
  expect(seen.pipelines.app!.read).toBe(writer.count);

  await server.up();
  await agent.drained();
  await agent.stop();
  const stored = await storedOffsets(server.warehouse());
  expect(stored.rows).toBe(writer.count);
  expect(stored.ids).toBe(writer.count);
  expect(stored.offsets).toEqual(writer.offsets);
  expect(logs.some((l) => /shipping to .* failed: .*nothing is lost/.test(l))).toBe(true);
  expect(logs.some((l) => /works again/.test(l))).toBe(true);
  const s = agent.status();
  expect(s.shipping.shippedEvents).toBe(writer.count);
  expect(s.buffer.dropped.events).toBe(0);
  await server.down();
}, 90_000);

it('round robin over a dead and a live server ships everything once', async () => {
  const dir = tempDir();
  const server = await testServer(dir);
  // A port that answered once and is closed now (nothing listens there any more).
  const dead = await testServer(tempDir());
  const deadUrl = dead.url;
  await dead.down();
  const file = agentConfig(dir, { servers: [deadUrl, server.url], extra: { balance: 'round_robin' } });
  writeFileSync(join(dir, 'agent', 'agent.token'), server.token);
  const writer = new LineWriter(join(dir, 'agent', 'app.log'));
  const config = loadConfig(file);
  const agent = await startAgent(config, agentSettings(config), () => {});
  for (let i = 0; i < 5; i++) {
    writer.write(400);
    await new Promise((r) => setTimeout(r, 50));
  }
  await waitUntilIdle(agent.ingest);
  await agent.drained();
  await agent.stop();
  const stored = await storedOffsets(server.warehouse());
  expect(stored.offsets).toEqual(writer.offsets);
  expect(agent.status().shipping.retries).toBeGreaterThan(0);
  await server.down();
}, 60_000);
