// Shipping over https: the agent verifies the server's certificate against its own CA file
// (a self-signed certificate for 127.0.0.1 made with openssl); without that CA it refuses to
// send and says why; `insecure_skip_verify` accepts any certificate.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
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

it('ships over https with a CA file, refuses an unknown certificate, and skips verification when told', async () => {
  const dir = tempDir();
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  const server = await testServer(dir, {
    key: readFileSync(join(dir, 'key.pem')),
    cert: readFileSync(join(dir, 'cert.pem')),
  });
  expect(server.url).toMatch(/^https:/);
  agentConfig(dir, { servers: [server.url] });
  const writer = new LineWriter(join(dir, 'agent', 'app.log'));

  const run = async (tls: Record<string, unknown> | undefined, check: (logs: string[]) => Promise<void>) => {
    const file = agentConfig(dir, { servers: [server.url], ...(tls ? { extra: { tls } } : {}) });
    writeFileSync(join(dir, 'agent', 'agent.token'), server.token);
    const config = loadConfig(file);
    const logs: string[] = [];
    const agent = await startAgent(config, agentSettings(config), (l) => logs.push(l));
    await waitUntilIdle(agent.ingest);
    await check(logs);
    await agent.stop();
  };
  writer.write(300);
  await run(undefined, async (logs) => {
    await waitFor('a certificate error', () => logs.some((l) => /self-signed certificate/i.test(l)));
    expect((await storedOffsets(server.warehouse())).rows).toBe(0);
  });
  await run({ ca_file: join(dir, 'cert.pem') }, async () => {
    await waitFor('all lines', async () => (await storedOffsets(server.warehouse())).rows === writer.count);
  });
  writer.write(200);
  await run({ insecure_skip_verify: true }, async () => {
    await waitFor('all lines', async () => (await storedOffsets(server.warehouse())).rows === writer.count);
  });
  expect((await storedOffsets(server.warehouse())).offsets).toEqual(writer.offsets);
  await server.down();
}, 60_000);
