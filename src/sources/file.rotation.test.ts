// Rotation by rename: the writer renames its file away and starts a new one at the same path.
import { appendFileSync, closeSync, openSync, renameSync, writeFileSync, writeSync } from 'node:fs';
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

/**
 * Writes lines 0..2000 in bursts, rotating mid-stream: lines go to the old file right before the
 * rename and, through the writer's still-open handle, right after it; the new file gets lines at once.
 */
async function writeWithRotation(dir: string, rotatedName: string): Promise<void> {
  const log = join(dir, 'app.log');
  let fd = openSync(log, 'a');
  for (let i = 0; i < 1000; i += 50) {
    writeSync(fd, numbered(i, i + 50));
    await sleep(2);
  }
  writeSync(fd, numbered(1000, 1100));
  renameSync(log, join(dir, rotatedName));
  writeSync(fd, numbered(1100, 1150));
  const next = openSync(log, 'a');
  writeSync(next, numbered(1150, 1300));
  writeSync(fd, numbered(1300, 1310));
  closeSync(fd);
  fd = next;
  for (let i = 1310; i < 2000; i += 50) {
    writeSync(fd, numbered(i, Math.min(i + 50, 2000)));
    await sleep(2);
  }
  closeSync(fd);
}

describe('file source rotation', () => {
  it('reads every line exactly once when the file is renamed away mid-stream', async () => {
    const dir = tempDir();
    const h = new SourceHarness(fileSource(dir, { include: ['app.log'] }));
    await writeWithRotation(dir, 'app.log.old');
    await h.waitForRecords(2000);
    await sleep(100);
    await h.stop();
    expect(duplicatesAndMissing(h.texts, expectedLines(0, 2000))).toEqual({ duplicates: [], missing: [] });
    expect(h.texts).toHaveLength(2000);
    expect(h.source.stats().rotations).toBe(1);
  });

  it('does not read a rotated file twice when it still matches the glob', async () => {
    const dir = tempDir();
    const h = new SourceHarness(fileSource(dir, { include: ['app.log*'] }));
    await writeWithRotation(dir, 'app.log.1');
    await h.waitForRecords(2000);
    await sleep(100);
    await h.stop();
    expect(duplicatesAndMissing(h.texts, expectedLines(0, 2000))).toEqual({ duplicates: [], missing: [] });
    expect(h.texts).toHaveLength(2000);
    expect(h.source.stats().filesKnown).toBe(2);
    // Committed positions name each file by its current path.
    expect(h.positions.map((p) => p.path).sort()).toEqual(['app.log', 'app.log.1']);
  });

  it('follows a file rotated while its handle was closed for being idle', async () => {
    const dir = tempDir();
    const log = join(dir, 'app.log');
    writeFileSync(log, numbered(0, 100));
    const source = fileSource(dir, { include: ['app.log*'], idleCloseMs: 20, pollIntervalMs: 100 });
    const h = new SourceHarness(source);
    await h.waitForRecords(100);
    await h.waitFor('the idle file closed', () => source.stats().filesOpen === 0);
    // Between two scans: the last lines, the rename, the new file.
    appendFileSync(log, numbered(100, 120));
    renameSync(log, join(dir, 'app.log.1'));
    writeFileSync(log, numbered(120, 130));
    await h.waitForRecords(130);
    await sleep(150);
    await h.stop();
    expect(h.texts.sort()).toEqual(expectedLines(0, 130));
  });

  it('forgets a drained, renamed-away file but not its position: moved back into the glob, it is not re-read', async () => {
    const dir = tempDir();
    const log = join(dir, 'app.log');
    writeFileSync(log, numbered(0, 100));
    const source = fileSource(dir, { include: ['app.log'], idleCloseMs: 30 });
    const h = new SourceHarness(source);
    await h.waitForRecords(100);
    renameSync(log, join(dir, 'archived'));
    await h.waitFor('the renamed file closed', () => source.stats().filesOpen === 0);
    expect(source.stats().filesKnown).toBe(0);
    appendFileSync(join(dir, 'archived'), numbered(100, 110));
    renameSync(join(dir, 'archived'), log);
    await h.waitForRecords(110);
    await sleep(100);
    await h.stop();
    expect(h.texts).toEqual(expectedLines(0, 110));
  });

  it.each([
    ['beginning', undefined],
    ['end', 'end' as const],
  ])(
    'after a rotation while stopped, resumes the old file and reads the new one whole (startAt %s)',
    async (_n, startAt) => {
      const dir = tempDir();
      const log = join(dir, 'app.log');
      writeFileSync(log, numbered(0, 100));
      const first = new SourceHarness(fileSource(dir, { include: ['app.log*'], startAt }));
      if (startAt === 'end') {
        await first.waitFor('a position', () => first.positions.length === 1);
        appendFileSync(log, numbered(100, 110));
        await first.waitForRecords(10);
      } else {
        await first.waitForRecords(100);
      }
      await first.stop();
      appendFileSync(log, numbered(110, 150));
      renameSync(log, join(dir, 'app.log.1'));
      writeFileSync(log, numbered(150, 200));
      const second = new SourceHarness(
        fileSource(dir, { include: ['app.log*'], startAt, positions: first.positions }),
      );
      await second.waitForRecords(90);
      await sleep(100);
      await second.stop();
      expect(second.texts).toHaveLength(90);
      expect(second.texts.sort()).toEqual(expectedLines(110, 200));
    },
  );
});
