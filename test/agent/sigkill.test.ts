// The agent as a real child process (`mortar agent`), SIGKILLed at random moments while lines are
// being written and shipped (mid-read, mid-append, mid-request), then started again; a final
// `--once` run ships the rest. The server's DuckDB file holds every line exactly once.
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import {
  agentConfig,
  LineWriter,
  removeTempDirs,
  storedOffsets,
  tempDir,
  testServer,
  waitFor,
} from './agent-harness.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const KILLS = 5;

afterAll(removeTempDirs);

function spawnAgent(
  file: string,
  ...args: string[]
): { child: ChildProcess; output: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, ['bin/mortar.js', 'agent', '-c', file, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, output: () => out, exit };
}

it('SIGKILLed agents lose nothing and duplicate nothing', async () => {
  const dir = tempDir();
  const server = await testServer(dir);
  const file = agentConfig(dir, { servers: [server.url] });
  writeFileSync(join(dir, 'agent', 'agent.token'), server.token);
  const writer = new LineWriter(join(dir, 'agent', 'app.log'));
  const writing = setInterval(() => writer.write(150), 25);
  try {
    for (let k = 0; k < KILLS; k++) {
      const agent = spawnAgent(file);
      const shipped = (await storedOffsets(server.warehouse())).rows;
      // Kill while it works: after it has shipped something new, at a random moment.
      await waitFor(
        'the agent to ship',
        async () => (await storedOffsets(server.warehouse())).rows > shipped,
        120_000,
      );
      await new Promise((r) => setTimeout(r, Math.random() * 400));
      agent.child.kill('SIGKILL');
      expect(await agent.exit).toBe(null);
    }
  } finally {
    clearInterval(writing);
  }
  const last = spawnAgent(file, '--once');
  expect(await last.exit, last.output()).toBe(0);
  const stored = await storedOffsets(server.warehouse());
  expect(stored.rows).toBe(writer.count);
  expect(stored.ids).toBe(writer.count);
  expect(stored.offsets).toEqual(writer.offsets);
  await server.down();
}, 240_000);
