// What the file source reads besides plain UTF-8: gzip archives (by magic bytes, once, streaming),
// NUL padding, and the encodings latin1, UTF-16 LE/BE with their byte order marks.
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { SourceHarness } from './file/source-harness.ts';
import { expectedLines, fileSource, numbered, removeTempDirs, tempDir } from './file/test-files.ts';

afterEach(removeTempDirs);

const utf16be = (s: string) => Buffer.from(s, 'utf16le').swap16();

describe('file source: gzip', () => {
  it('reads a gzip file recognised by its magic bytes, not its name, with offsets of the text', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'archive.log'), gzipSync(numbered(0, 5000)));
    const h = new SourceHarness(fileSource(dir, { chunkBytes: 8192 }));
    await h.waitForRecords(5000);
    await h.stop();
    expect(h.texts).toEqual(expectedLines(0, 5000));
    expect(h.records.at(-1)!.endOffset).toBe(Buffer.byteLength(numbered(0, 5000)));
  });

  it('skips the archive of a file read whole, and reads that of a file read in part from its position', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.log'), numbered(0, 100));
    writeFileSync(join(dir, 'b.log'), numbered(0, 100, 'b'));
    const first = new SourceHarness(fileSource(dir));
    await first.waitForRecords(200);
    await first.stop();
    // While stopped: b gets more lines, then both are rotated into gzip archives.
    writeFileSync(join(dir, 'a.log.1.gz'), gzipSync(numbered(0, 100)));
    writeFileSync(join(dir, 'b.log.1.gz'), gzipSync(numbered(0, 130, 'b')));
    const second = new SourceHarness(fileSource(dir, { include: ['*.gz'], positions: first.positions }));
    await second.waitForRecords(30);
    await sleep(100);
    await second.stop();
    expect(second.texts).toEqual(expectedLines(100, 130, 'b'));
  });
});

describe('file source: NUL padding', () => {
  it('skips NUL padding at line starts (a writer that kept its offset after a truncation) and counts it', async () => {
    const dir = tempDir();
    const log = join(dir, 'a.log');
    writeFileSync(log, Buffer.concat([Buffer.alloc(5000), Buffer.from(numbered(0, 3))]));
    const h = new SourceHarness(fileSource(dir));
    await h.waitForRecords(3);
    appendFileSync(log, Buffer.concat([Buffer.alloc(10), Buffer.from(numbered(3, 5))]));
    await h.waitForRecords(5);
    await h.stop();
    expect(h.texts).toEqual(expectedLines(0, 5));
    expect(h.records[0]!.offset).toBe(5000);
    expect(h.source.stats().paddingBytes).toBe(5010);
  });
});

describe('file source: encodings', () => {
  const text = 'grüße €\r\nzweite Zeile\n\nlast ✓\n';

  it.each([
    [
      'utf-16le with BOM',
      'utf-16le',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
    ],
    ['utf-16be with BOM', 'utf-16be', Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(text)])],
    ['utf-16be without BOM', 'utf-16be', utf16be(text)],
    [
      'utf-16 BOM overriding the configured byte order',
      'utf-16le',
      Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(text)]),
    ],
  ] as const)('%s: splits on the two-byte newline with exact byte offsets', async (_n, encoding, bytes) => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.log'), bytes);
    const h = new SourceHarness(fileSource(dir, { encoding, chunkBytes: 7 }));
    await h.waitForRecords(3);
    await sleep(30);
    await h.stop();
    expect(h.texts).toEqual(['grüße €', 'zweite Zeile', 'last ✓']);
    expect(h.records.at(-1)!.endOffset).toBe(bytes.length);
    const bom = bytes[0] === 0xff || bytes[0] === 0xfe ? 2 : 0;
    expect(h.records[1]!.offset).toBe(bom + 2 * 'grüße €\r\n'.length);
  });

  it('resumes a UTF-16 file at a committed byte offset', async () => {
    const dir = tempDir();
    const log = join(dir, 'a.log');
    writeFileSync(log, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('eins\nzwei\n', 'utf16le')]));
    const first = new SourceHarness(fileSource(dir, { encoding: 'utf-16le' }));
    await first.waitForRecords(2);
    await first.stop();
    appendFileSync(log, Buffer.from('drei\n', 'utf16le'));
    const second = new SourceHarness(fileSource(dir, { encoding: 'utf-16le', positions: first.positions }));
    await second.waitForRecords(1);
    await sleep(30);
    await second.stop();
    expect(second.records.map((r) => [r.text, r.offset])).toEqual([['drei', 22]]);
  });

  it('decodes latin1 byte for byte', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.log'), Buffer.from([0x67, 0x72, 0xfc, 0xdf, 0x65, 0x0a, 0xe9, 0x0a]));
    const h = new SourceHarness(fileSource(dir, { encoding: 'latin1' }));
    await h.waitForRecords(2);
    await h.stop();
    expect(h.texts).toEqual(['grüße', 'é']);
  });
});
