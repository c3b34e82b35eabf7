// File identity and checkpoint validation: files sharing a fixed header line are different files;
// a position is used only in the content it was taken in; legacy positions still resume.
import { appendFileSync, renameSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeChecksum } from './file/identity.ts';
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

const HEADER = '# fixed header written by every file of this application\n';

describe('file identity', () => {
  it('reads files that share a fixed first line as different files, also after a restart', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.log'), HEADER + numbered(0, 50, 'a'));
    writeFileSync(join(dir, 'b.log'), HEADER + numbered(0, 50, 'b'));
    const first = new SourceHarness(fileSource(dir));
    await first.waitForRecords(102);
    await first.stop();
    expect(new Set(first.positions.map((p) => p.fileId)).size).toBe(2);
    appendFileSync(join(dir, 'a.log'), numbered(50, 60, 'a'));
    appendFileSync(join(dir, 'b.log'), numbered(50, 70, 'b'));
    // Renamed while stopped: identity is content, not path.
    renameSync(join(dir, 'a.log'), join(dir, 'c.log'));
    const second = new SourceHarness(fileSource(dir, { positions: first.positions }));
    await second.waitForRecords(30);
    await sleep(100);
    await second.stop();
    expect(second.texts.sort()).toEqual(
      [...expectedLines(50, 60, 'a'), ...expectedLines(50, 70, 'b')].sort(),
    );
  });

  it('reads a file that starts with only the shared header once it differs, from its start', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.log'), HEADER + numbered(0, 20, 'a'));
    const h = new SourceHarness(fileSource(dir));
    await h.waitForRecords(21);
    // So far a prefix of a.log: it could be a copy in the making, so it waits.
    writeFileSync(join(dir, 'b.log'), HEADER);
    await sleep(80);
    appendFileSync(join(dir, 'b.log'), numbered(0, 5, 'b'));
    await h.waitForRecords(27);
    await sleep(80);
    await h.stop();
    expect(h.texts.filter((t) => t === HEADER.trim())).toHaveLength(2);
    expect(h.texts.slice(21).filter((t) => t !== HEADER.trim())).toEqual(expectedLines(0, 5, 'b'));
  });

  it('stores with each position a checksum of the head and of the bytes before the offset', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.log'), numbered(0, 100));
    const h = new SourceHarness(fileSource(dir));
    await h.waitForRecords(100);
    await h.stop();
    const c = decodeChecksum(h.positions[0]!.checksum);
    expect(c?.head).toMatchObject({ start: 0, length: 1024 });
    expect(c?.window).toMatch(/^[0-9a-f]{16}$/);
    expect(c?.inode).toMatch(/^\d+:\d+$/);
  });

  it('starts over, counted, when the bytes before a committed position changed while stopped', async () => {
    const dir = tempDir();
    const log = join(dir, 'a.log');
    writeFileSync(log, HEADER + numbered(0, 50));
    // A head of 16 bytes: the rewritten file has the same head, only the window tells them apart.
    const options = { fingerprint: { bytes: 16 } };
    const first = new SourceHarness(fileSource(dir, options));
    await first.waitForRecords(51);
    await first.stop();
    writeFileSync(log, HEADER + numbered(0, 60, 'new'));
    const second = new SourceHarness(fileSource(dir, { ...options, positions: first.positions }));
    await second.waitForRecords(61);
    await sleep(50);
    await second.stop();
    expect(second.texts).toEqual([HEADER.trim(), ...expectedLines(0, 60, 'new')]);
    expect(second.source.stats().truncations).toBe(1);
    expect(second.positions[0]!.fileId).not.toBe(first.positions[0]!.fileId);
  });

  it('starts over, counted, when the same file shrank below its position while stopped', async () => {
    const dir = tempDir();
    const log = join(dir, 'a.log');
    writeFileSync(log, HEADER + numbered(0, 50));
    const first = new SourceHarness(fileSource(dir, { fingerprint: { bytes: 16 } }));
    await first.waitForRecords(51);
    await first.stop();
    truncateSync(log, 0);
    appendFileSync(log, `${HEADER}${numbered(0, 3, 'new')}`);
    const second = new SourceHarness(
      fileSource(dir, { fingerprint: { bytes: 16 }, positions: first.positions }),
    );
    await second.waitForRecords(4);
    await sleep(50);
    await second.stop();
    expect(second.texts).toEqual([HEADER.trim(), ...expectedLines(0, 3, 'new')]);
    expect(second.source.stats().truncations).toBe(1);
  });

  it('does not read a copy of a file already read, but reads a copy of one read in part from its position', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.log'), numbered(0, 100));
    const first = new SourceHarness(fileSource(dir, { include: ['a.log'] }));
    await first.waitForRecords(100);
    await first.stop();
    appendFileSync(join(dir, 'a.log'), numbered(100, 120));
    // While stopped: a.log copied away with its unread tail, then removed.
    writeFileSync(join(dir, 'a.log.bak'), `${numbered(0, 120)}`);
    writeFileSync(join(dir, 'a.log.old'), `${numbered(0, 100)}`);
    rmSync(join(dir, 'a.log'));
    const second = new SourceHarness(fileSource(dir, { include: ['a.log*'], positions: first.positions }));
    await second.waitForRecords(20);
    await sleep(100);
    await second.stop();
    expect(duplicatesAndMissing(second.texts, expectedLines(100, 120))).toEqual({
      duplicates: [],
      missing: [],
    });
    expect(second.texts).toHaveLength(20);
  });

  it('resumes positions stored before checksums existed by their first-line key', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.log'), numbered(0, 30));
    const first = new SourceHarness(fileSource(dir));
    await first.waitForRecords(30);
    await first.stop();
    const legacy = first.positions.map(({ checksum: _, ...p }) => p);
    appendFileSync(join(dir, 'a.log'), numbered(30, 35));
    const second = new SourceHarness(fileSource(dir, { positions: legacy }));
    await second.waitForRecords(5);
    await sleep(50);
    await second.stop();
    expect(second.texts).toEqual(expectedLines(30, 35));
  });

  it('with device_inode, reads identical files as different ones and follows renames', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.log'), numbered(0, 10));
    writeFileSync(join(dir, 'b.log'), numbered(0, 10));
    const options = { fingerprint: { strategy: 'device_inode' as const } };
    const first = new SourceHarness(fileSource(dir, options));
    await first.waitForRecords(20);
    await first.stop();
    const ino = statSync(join(dir, 'a.log')).ino;
    expect(first.positions.map((p) => p.fileId)).toContain(`i${statSync(join(dir, 'a.log')).dev}:${ino}`);
    renameSync(join(dir, 'a.log'), join(dir, 'c.log'));
    appendFileSync(join(dir, 'c.log'), numbered(10, 12));
    const second = new SourceHarness(fileSource(dir, { ...options, positions: first.positions }));
    await second.waitForRecords(2);
    await sleep(80);
    await second.stop();
    expect(second.texts).toEqual(expectedLines(10, 12));
  });
});
