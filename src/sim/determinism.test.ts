// Batch runs are reproducible: the same seed and options give byte-identical files, another seed
// gives other files; and a batch run's state lets a realtime run continue the ids.
import { afterAll, describe, expect, it } from 'vitest';
import { simulate } from './simulate.ts';
import { readTree, tempDir } from './test-helpers.ts';

const dirs: (() => void)[] = [];
afterAll(() => {
  for (const c of dirs) c();
});

async function run(seed: number): Promise<Map<string, string>> {
  const { dir, cleanup } = tempDir();
  dirs.push(cleanup);
  await simulate({
    outDir: dir,
    seed,
    durationMs: 10 * 60_000,
    ratePerSecond: 5,
    rotateBytes: 64 * 1024,
    failoverMeanMs: 3 * 60_000,
  });
  return readTree(dir);
}

describe('batch determinism', () => {
  it('writes identical files for the same seed, different files for another', async () => {
    const a = await run(7);
    const b = await run(7);
    const c = await run(8);
    expect([...a.keys()]).toEqual([...b.keys()]);
    for (const [path, content] of a) expect(b.get(path), path).toBe(content);
    expect(c.get('sensors/sc-01.log')).not.toBe(a.get('sensors/sc-01.log'));
    expect(c.get('truth.jsonl')).not.toBe(a.get('truth.jsonl'));
  });

  it('overwrites an earlier batch run in the same directory with the same result', async () => {
    const { dir, cleanup } = tempDir();
    dirs.push(cleanup);
    const opts = { outDir: dir, seed: 3, durationMs: 2 * 60_000, rotateBytes: 16 * 1024 };
    await simulate(opts);
    const first = readTree(dir);
    await simulate(opts);
    expect(readTree(dir)).toEqual(first);
  });
});
