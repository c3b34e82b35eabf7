import { appendFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { SourceHarness } from './file/source-harness.ts';
import {
  duplicatesAndMissing,
  expectedLines,
  fileSource,
  numbered,
  removeTempDirs,
  tempDir,
} from './file/test-files.ts';

afterEach(removeTempDirs);

describe('file source', () => {
  it('reads a file and follows appends, holding a partial line until it is complete', async () => {
    const dir = tempDir();
    const log = join(dir, 'app.log');
    writeFileSync(log, 'one\ntwo\n');
    const h = new SourceHarness(fileSource(dir));
    await h.waitForRecords(2);
    appendFileSync(log, 'three\nfo');
    await h.waitForRecords(3);
    await sleep(50);
    expect(h.texts).toEqual(['one', 'two', 'three']);
    appendFileSync(log, 'ur\n');
    await h.waitForRecords(4);
    await h.stop();
    expect(h.records.map((r) => [r.text, r.file, r.offset, r.endOffset])).toEqual([
      ['one', 'app.log', 0, 4],
      ['two', 'app.log', 4, 8],
      ['three', 'app.log', 8, 14],
      ['four', 'app.log', 14, 19],
    ]);
    expect(new Set(h.records.map((r) => r.fileId)).size).toBe(1);
    expect(h.positions.map((p) => [p.pipeline, p.path, p.offset])).toEqual([['test', 'app.log', 19]]);
    expect(h.source.stats()).toMatchObject({ filesKnown: 1, bytesRead: 19, bytesBehind: 0 });
  });

  it('resumes from committed positions: across restarts nothing twice, nothing missing', async () => {
    const dir = tempDir();
    const log = join(dir, 'app.log');
    writeFileSync(log, numbered(0, 20_000));
    // A slow consumer stopped after a few batches: the rest is read by the next run.
    const first = new SourceHarness(fileSource(dir, { batchMaxRecords: 1000, chunkBytes: 16 * 1024 }), 20);
    await first.waitFor('3 batches', () => first.batches.length >= 3);
    await first.stop();
    expect(first.records.length).toBeLessThan(20_000);
    appendFileSync(log, numbered(20_000, 20_500));
    const second = new SourceHarness(fileSource(dir, { positions: first.positions }));
    await second.waitForRecords(20_500 - first.records.length);
    await sleep(50);
    await second.stop();
    const all = [...first.texts, ...second.texts];
    expect(duplicatesAndMissing(all, expectedLines(0, 20_500))).toEqual({ duplicates: [], missing: [] });
    expect(second.records[0]!.offset).toBe(first.records.at(-1)!.endOffset);
  });

  it('starts at the end of existing files with startAt=end, and reads files created later whole', async () => {
    const dir = tempDir();
    // A buffered writer may have written half a line: reading starts before it, not inside it.
    writeFileSync(join(dir, 'old.log'), `${numbered(0, 10)}half a `);
    const h = new SourceHarness(fileSource(dir, { startAt: 'end' }));
    await h.waitFor('a position', () => h.positions.length === 1);
    appendFileSync(join(dir, 'old.log'), `line\n${numbered(10, 12)}`);
    writeFileSync(join(dir, 'new.log'), numbered(0, 3, 'new'));
    await h.waitForRecords(6);
    await h.stop();
    expect(h.texts.sort()).toEqual(
      ['half a line', ...expectedLines(10, 12), ...expectedLines(0, 3, 'new')].sort(),
    );
  });

  it('rejects an oversize line with its file, identity and offsets, and goes on', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'app.log'), `first\n${'x'.repeat(5000)}\nlast\n`);
    const h = new SourceHarness(fileSource(dir, { maxLineBytes: 1000 }));
    await h.waitForRecords(2);
    await h.stop();
    expect(h.texts).toEqual(['first', 'last']);
    expect(h.rejected).toEqual([
      {
        file: 'app.log',
        fileId: h.records[0]!.fileId,
        offset: 6,
        endOffset: 5007,
        reason: 'line longer than 1000 bytes (max_line_bytes); raise max_line_bytes or fix the writer',
        raw: 'x'.repeat(1024),
      },
    ]);
    expect(h.positions[0]!.offset).toBe(5012);
  });

  it('does not read a file before its first line is complete (its identity is that line)', async () => {
    const dir = tempDir();
    const log = join(dir, 'app.log');
    writeFileSync(log, 'header without newline');
    const h = new SourceHarness(fileSource(dir));
    await sleep(100);
    expect(h.source.stats().filesKnown).toBe(0);
    appendFileSync(log, ' yet\nsecond\n');
    await h.waitForRecords(2);
    await h.stop();
    expect(h.texts).toEqual(['header without newline yet', 'second']);
  });

  it('reads two paths with the same first line once, as one file', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.log'), numbered(0, 100));
    writeFileSync(join(dir, 'b.log'), numbered(0, 100));
    const h = new SourceHarness(fileSource(dir));
    await h.waitForRecords(100);
    await sleep(100);
    await h.stop();
    expect(h.texts).toEqual(expectedLines(0, 100));
  });

  it('starts a truncated file over from 0', async () => {
    const dir = tempDir();
    const log = join(dir, 'app.log');
    writeFileSync(log, numbered(0, 100));
    const h = new SourceHarness(fileSource(dir));
    await h.waitForRecords(100);
    truncateSync(log, 0);
    await sleep(50);
    appendFileSync(log, numbered(0, 5, 'after'));
    await h.waitForRecords(105);
    await h.stop();
    expect(h.texts.slice(100)).toEqual(expectedLines(0, 5, 'after'));
    expect(h.records.at(-1)!.endOffset).toBe(statSync(log).size);
    expect(h.source.stats().truncations).toBe(1);
  });

  it('keeps open files bounded: closes idle ones and reopens them when they grow', async () => {
    const dir = tempDir();
    for (let i = 0; i < 6; i++) writeFileSync(join(dir, `f${i}.log`), numbered(0, 2000, `f${i}`));
    const source = fileSource(dir, { maxOpenFiles: 2, idleCloseMs: 50, chunkBytes: 4096 });
    const h = new SourceHarness(source);
    let maxOpen = 0;
    await h.waitFor('all lines', () => {
      maxOpen = Math.max(maxOpen, source.stats().filesOpen);
      return h.records.length >= 12_000;
    });
    expect(maxOpen).toBeLessThanOrEqual(2);
    await h.waitFor('idle files closed', () => source.stats().filesOpen === 0);
    appendFileSync(join(dir, 'f3.log'), 'more\n');
    await h.waitForRecords(12_001);
    await h.stop();
    expect(h.texts.at(-1)).toBe('more');
    expect(source.stats()).toMatchObject({ filesKnown: 6, bytesBehind: 0 });
  });

  it('stops promptly on abort, mid-backlog and while idle', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'big.log'), numbered(0, 200_000));
    const source = fileSource(dir, { batchMaxRecords: 1000 });
    const busy = new SourceHarness(source, 30);
    await busy.waitFor('a batch', () => busy.batches.length >= 1);
    let t0 = Date.now();
    await busy.stop();
    expect(Date.now() - t0).toBeLessThan(500);
    expect(source.stats().bytesRead).toBeLessThan(statSync(join(dir, 'big.log')).size / 4);
    expect(source.stats().bytesBehind).toBeGreaterThan(0);

    const idle = new SourceHarness(fileSource(dir, { pollIntervalMs: 60_000, include: ['none.log'] }));
    await sleep(50);
    t0 = Date.now();
    await idle.stop();
    expect(Date.now() - t0).toBeLessThan(200);
  });
});
