// Size-based rotation by rename: files never pass the limit, every line stays whole, and the
// manifest's counts match the files on disk line for line (dropped files accounted for).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Manifest } from './output.ts';
import { simulate } from './simulate.ts';
import { readTree, tempDir } from './test-helpers.ts';
import { type LineLedger, RotatingWriter } from './writer.ts';

const dirs: (() => void)[] = [];
afterAll(() => {
  for (const c of dirs) c();
});

describe('RotatingWriter', () => {
  it('rotates X.log -> X.log.1 -> ... and drops the oldest beyond keepRotated', () => {
    const { dir, cleanup } = tempDir();
    dirs.push(cleanup);
    const ledger: LineLedger = { lines: new Map(), droppedFiles: 0, droppedLines: 0 };
    const w = new RotatingWriter(
      join(dir, 'x.log'),
      { rotateBytes: 1000, keepRotated: 3, bufferBytes: 0 },
      ledger,
    );
    for (let i = 0; i < 500; i++) w.write(`line ${i} ${'x'.repeat(i % 37)}`);
    w.close();
    const tree = readTree(dir);
    expect([...tree.keys()].sort()).toEqual(['x.log', 'x.log.1', 'x.log.2', 'x.log.3']);
    const kept = ['x.log.3', 'x.log.2', 'x.log.1', 'x.log'].flatMap((f) => {
      const text = tree.get(f)!;
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(1000);
      expect(text.endsWith('\n')).toBe(true);
      expect(ledger.lines.get(join(dir, f))).toBe(text.split('\n').length - 1);
      return text.split('\n').slice(0, -1);
    });
    // The kept lines are the newest ones, consecutive and whole.
    const numbers = kept.map((l) => Number(/^line (\d+) x*$/.exec(l)![1]));
    expect(numbers).toEqual(numbers.map((_, i) => 500 - kept.length + i));
    expect(ledger.droppedLines + kept.length).toBe(500);
  });

  it('keeps a multi-line record together in one file', () => {
    const { dir, cleanup } = tempDir();
    dirs.push(cleanup);
    const ledger: LineLedger = { lines: new Map(), droppedFiles: 0, droppedLines: 0 };
    const w = new RotatingWriter(
      join(dir, 'c.log'),
      { rotateBytes: 2048, keepRotated: 50, bufferBytes: 512 },
      ledger,
    );
    for (let i = 0; i < 200; i++) w.write(`head ${i}\n\tat frame ${i}\n\tat frame ${i}`);
    w.close();
    for (const text of readTree(dir).values()) expect(text).toMatch(/^(head \d+\n(\tat frame \d+\n){2})+$/);
  });
});

describe('rotation in a simulation', () => {
  it('loses no line: the files hold exactly what the manifest says', async () => {
    const { dir, cleanup } = tempDir();
    dirs.push(cleanup);
    const summary = await simulate({
      outDir: dir,
      durationMs: 10 * 60_000,
      ratePerSecond: 10,
      rotateBytes: 32 * 1024,
      keepRotated: 1000,
    });
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
    const tree = readTree(dir);
    const logs = [...tree.keys()].filter((k) => /\.log(\.\d+)?$/.test(k));
    expect(logs.length).toBeGreaterThan(30); // it did rotate
    expect(logs.sort()).toEqual(Object.keys(manifest.files).sort());
    let total = 0;
    for (const f of logs) {
      const text = tree.get(f)!;
      expect(text === '' || text.endsWith('\n'), f).toBe(true);
      const lines = text === '' ? 0 : text.split('\n').length - 1;
      expect(lines, f).toBe(manifest.files[f]);
      total += lines;
    }
    expect(manifest.dropped).toEqual({ files: 0, lines: 0 });
    expect(total).toBe(manifest.totals.lines);
    expect(total).toBe(summary.totalLines);
    expect(manifest.truthLines).toBe(tree.get('truth.jsonl')!.split('\n').length - 1);
  });

  it('accounts for the files it drops beyond keepRotated', async () => {
    const { dir, cleanup } = tempDir();
    dirs.push(cleanup);
    const summary = await simulate({
      outDir: dir,
      durationMs: 20 * 60_000,
      ratePerSecond: 10,
      rotateBytes: 8 * 1024,
      keepRotated: 2,
    });
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
    expect(manifest.dropped.files).toBeGreaterThan(0);
    expect(manifest.totals.lines + manifest.dropped.lines).toBe(summary.totalLines);
  });
});
