// A wrong API token: the server refuses every batch, the agent says so in its log (what is wrong
// and how to fix it), keeps the rows in its buffer, and ships them once the token file holds a
// valid token, without a restart.
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

it('logs a refused token clearly, loses nothing, and ships after the token is fixed', async () => {
  const dir = tempDir();
  const server = await testServer(dir);
  const file = agentConfig(dir, { servers: [server.url] });
  const tokenFile = join(dir, 'agent', 'agent.token');
  writeFileSync(tokenFile, 'mortar_0123456789ab_thisisnotavalidsecretthisisnotavalidsecret1');
  const writer = new LineWriter(join(dir, 'agent', 'app.log'));
  const config = loadConfig(file);
  const logs: string[] = [];
  const agent = await startAgent(config, agentSettings(config), (l) => logs.push(l));
  writer.write(1500);
  await waitUntilIdle(agent.ingest);
  await waitFor('the refusal in the log', () => logs.some((l) => /HTTP 401/.test(l)));
  const refusal = logs.find((l) => /HTTP 401/.test(l))!;
  expect(refusal).toMatch(/token is unknown, expired or revoked/);
  expect(refusal).toMatch(/agent\.token_file or agent\.token_env/);
  expect(refusal).toMatch(/permission "ingest"/);
  expect(refusal).toMatch(/nothing is lost/);
  expect(agent.status().shipping.lastError).toMatch(/HTTP 401/);
  expect((await storedOffsets(server.warehouse())).rows).toBe(0);
  expect(agent.status().buffer.unshippedRecords).toBeGreaterThan(0);

  writeFileSync(tokenFile, `${server.token}\n`);
  writer.write(500);
  await waitUntilIdle(agent.ingest);
  await agent.drained();
  await agent.stop();
  const stored = await storedOffsets(server.warehouse());
  expect(stored.offsets).toEqual(writer.offsets);
  expect(stored.ids).toBe(writer.count);
  await server.down();
}, 60_000);
