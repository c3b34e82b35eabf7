// Realtime mode: lines appear while it runs, it stops on abort, and a restart in the same
// directory continues the ids instead of reusing them, even after an unclean stop.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { simulate } from './simulate.ts';
import type { SimState } from './state.ts';
import { readJsonLines, readTree, subsystemLines, tempDir } from './test-helpers.ts';
import type { AlarmTruth, TruthRecord } from './truth.ts';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

const runFor = async (ms: number): Promise<void> => {
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), ms);
  await simulate({ outDir: dir, mode: 'realtime', ratePerSecond: 40, signal: stop.signal });
  clearTimeout(timer);
};

describe('realtime mode', () => {
  it('writes as time passes and continues ids across restarts', async () => {
    const before = Date.now();
    await runFor(1500);
    const state1 = JSON.parse(readFileSync(join(dir, 'sim-state.json'), 'utf8')) as SimState;
    expect(state1.runs).toBe(1);
    expect(state1.nextEvt).toBeGreaterThan(1000);
    const first = readTree(dir);
    const firstTs = /^([^;]+);/.exec(subsystemLines(first, 'sensors').sort()[0]!)![1]!;
    // Berlin local time of the first line is no earlier than the wall clock at the start.
    expect(Date.parse(`${firstTs.replace(' ', 'T')}Z`)).toBeGreaterThanOrEqual(before);

    await runFor(1500);
    const evts = subsystemLines(readTree(dir), 'sensors').flatMap(
      (l) => /;ALARM;(\d+);/.exec(l)?.slice(1) ?? [],
    );
    expect(new Set(evts).size).toBe(evts.length);
    expect(Math.min(...evts.slice(-5).map(Number))).toBeGreaterThanOrEqual(state1.nextEvt);
    const ids = readTree(dir)
      .get('alarm-server/as-1.log')!
      .split('\n')
      .flatMap((l) => / ALARM \[alarm@32473 alarm_id="([^"]+)"/.exec(l)?.slice(1) ?? []);
    expect(new Set(ids).size).toBe(ids.length);
    const truth = readJsonLines<TruthRecord>(readFileSync(join(dir, 'truth.jsonl'), 'utf8'));
    expect(truth.filter((t): t is AlarmTruth => t.kind === 'alarm').length).toBe(evts.length);
  });
});

describe('realtime mode, killed', () => {
  const killed = tempDir();
  afterAll(killed.cleanup);

  it('restarts beyond every id written before SIGKILL', async () => {
    const module = fileURLToPath(new URL('./simulate.ts', import.meta.url));
    const script = `import { simulate } from ${JSON.stringify(module)};
      await simulate({ outDir: ${JSON.stringify(killed.dir)}, mode: 'realtime', ratePerSecond: 200, signal: new AbortController().signal });`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: 'ignore',
    });
    const exited = new Promise((r) => child.once('exit', r));
    // Only the sensors' directory: elsewhere the child renames files while we would list them.
    const written = (): string[] =>
      [
        ...(existsSync(join(killed.dir, 'sensors'))
          ? readTree(join(killed.dir, 'sensors'))
          : new Map<string, string>()
        ).values(),
      ].flatMap((text) => text.split('\n').flatMap((l) => /;ALARM;(\d+);/.exec(l)?.slice(1) ?? []));
    // Kill it mid-stream: once a few hundred alarms are out (startup time varies by machine).
    for (let waited = 0; waited < 30_000 && written().length < 300; waited += 100)
      await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGKILL');
    await exited;
    const evts = written();
    expect(evts.length).toBeGreaterThanOrEqual(300);
    const state = JSON.parse(readFileSync(join(killed.dir, 'sim-state.json'), 'utf8')) as SimState;
    expect(state.nextEvt).toBeGreaterThan(Math.max(...evts.map(Number)));
  });
});
